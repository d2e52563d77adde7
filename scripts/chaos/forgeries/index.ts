/** The forgeries of the `forgeries` phase, in the order it tries them (the list). */

import { clusterApi } from './cluster-api.ts';
import { forgedAdvert } from './forged-advert.ts';
import { forgedHeartbeat } from './forged-heartbeat.ts';
import { forgedLeave } from './forged-leave.ts';
import type { Forgery } from './forgery.ts';
import { helloClaim } from './hello-claim.ts';
import { injectedData } from './injected-data.ts';
import { nackReflection } from './nack-reflection.ts';
import { outsiderSource } from './outsider-source.ts';

export const FORGERIES: readonly Forgery[] = [forgedLeave, forgedAdvert, forgedHeartbeat, injectedData, helloClaim, outsiderSource, clusterApi, nackReflection];
