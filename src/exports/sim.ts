/** `scattercast/sim`: simulate Gossamer sessions over generated or GraphML topologies, one run or many over worker threads. */
export { DEFAULT_SCENARIO, runScenario, type ProgressCallback, type ScenarioOptions, type ScenarioResult } from '../sim/scenario.ts';
export { runJobs, type Job, type JobResult, type PoolOptions } from '../sim/experiments/pool.ts';
export {
  isConnected,
  largestComponent,
  loadGraphMlFile,
  loadUnderlay,
  meanShortestPathMs,
  parseGraphMl,
  pathLinks,
  pathNodes,
  shortestPaths,
  transitStub,
  transitStubParamsFor,
  transitStubRouterCount,
  UnderlayBuilder,
  waxman,
  type GraphMlOptions,
  type LoadUnderlayOptions,
  type ShortestPaths,
  type TransitStubParams,
  type Underlay,
  type WaxmanParams,
} from '../sim/topology/index.ts';
export { DEFAULT_CAPACITIES, linkCapacities, pathBottleneckBps, type CapacityModel } from '../sim/topology/capacity.ts';
export { overlayCapacities, placeScxs, type OverlayCapacityOptions, type Placement, type PlacementOptions } from '../sim/placement.ts';
export { SimDataPlane, type SimDataPlaneOptions } from '../sim/dataplane.ts';
export { SimLinkWires } from '../sim/link-wires.ts';
export { Simulation, scxId, type SimulationOptions } from '../sim/simulation.ts';
export { Random } from '../core/random.ts';
export { DEFAULT_GOSSAMER_CONFIG, gossamerConfig, type GossamerConfig } from '../gossamer/config.ts';
export { PROFILE_NAMES, PROFILES, type ProfileName } from '../gossamer/profiles.ts';
export { ErrorCode, ScError } from '../core/errors.ts';
