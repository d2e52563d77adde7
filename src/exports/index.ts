/** `scattercast`: the client, node, simulator and service-module APIs in one import (each is also its own entry point). */
export * from './client.ts';
export * from './node.ts';
export * from './sim.ts';
export * from './service-module.ts';
