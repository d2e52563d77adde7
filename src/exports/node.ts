/** `scattercast/node`: run an SCX node in this process from a configuration, as `scattercast node` does. */
export { runNode, type RunningNode } from '../daemon/run-node.ts';
export {
  loadAnnouncement,
  nodeConfig,
  readNodeConfigFile,
  type ClusterConfig,
  type NodeConfig,
  type RawNodeConfig,
  type SessionEntry,
} from '../daemon/node-config.ts';
export { builtinRegistry, loadModuleFile } from '../daemon/module-loader.ts';
export { DEFAULT_GOSSAMER_CONFIG, gossamerConfig, type GossamerConfig } from '../gossamer/config.ts';
export { PROFILE_NAMES, PROFILES, type ProfileName } from '../gossamer/profiles.ts';
export { ErrorCode, ScError } from '../core/errors.ts';
