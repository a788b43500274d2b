export * from './fork-safety';
export * from './homelab-workflows';
