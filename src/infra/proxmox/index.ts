// Hand-written typed bindings for the bpg/proxmox resources this repo uses (see each file's header).
export * from './metadata';
export * from './provider';
export * from './vm';
export * from './download-file';
export * from './file';
