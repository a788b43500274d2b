/**
 * Small shared constructs for every chart: standard labels and naming, the chart base class,
 * restricted security defaults and resources, NetworkPolicy baseline and allows, SealedSecret
 * references. Import from here: `import { PlatformChart, restrictedContainerSecurity } from '../lib'`.
 */
export * from './labels';
export * from './chart';
export * from './security';
export * from './network';
export * from './sealed-secret';
