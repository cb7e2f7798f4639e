export * from './types.ts';
export * from './catalog.ts';
export * from './params.ts';
export * from './topo.ts';
export * from './connect.ts';
export * from './migrations.ts';
export * from './validate.ts';
export * from './bypass.ts';
