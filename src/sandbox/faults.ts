import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

/**
 * What can go wrong, as the platforms make it go wrong. Transport faults are the sandbox's own; the
 * others are answered by each emulator in its platform's error shape.
 */
export const faultKinds = [
  /** Answer normally, but only after `latencyMs`. */
  'latency',
  /** 429 with the platform's rate-limit headers (`retryAfter` seconds). */
  'rate-limit',
  /** 500 (or `status`: 500, 502, 503) in the platform's error shape. */
  'server-error',
  /** The connection is cut after `afterBytes` of the request body have arrived (0: at once). */
  'reset',
  /** No answer at all, until the client gives up. */
  'hang',
  /** The platform's expired-token error. */
  'expired-token',
  /** The platform's duplicate-content rejection (X, Facebook). */
  'duplicate',
  /** An Instagram container that ends in status ERROR. */
  'container-error',
  /** A TikTok post that ends FAILED. */
  'publish-failed',
  /** YouTube's quotaExceeded. */
  'quota-exceeded',
] as const;
export type FaultKind = (typeof faultKinds)[number];

export interface FaultSpec {
  platform: string;
  /** An endpoint name (`tweets.create`), or `*` for every endpoint of the platform. */
  endpoint?: string;
  kind: FaultKind;
  /** How many times it fires before it is spent (default 1; 0 = every time). */
  times?: number;
  /** Fire with this probability on each matching request (default 1), drawn from `seed`. */
  probability?: number;
  seed?: number;
  latencyMs?: number;
  retryAfter?: number;
  status?: number;
  afterBytes?: number;
}

export interface Fault extends Required<Pick<FaultSpec, 'platform' | 'endpoint' | 'kind' | 'times' | 'probability'>> {
  id: number;
  spec: FaultSpec;
  fired: number;
  /** Whether each matching request so far drew the fault: the record a test can replay from the seed. */
  draws: boolean[];
  next(): number;
}

/** The faults set on a sandbox: matched against each request, consumed as they fire. */
export class FaultRegistry {
  private faults: Fault[] = [];
  private nextId = 1;

  private readonly endpoints = new Map<string, string[]>();

  /** The endpoint names a platform's emulator answers, so that a fault for one it does not is refused. */
  knowEndpoints(platform: string, names: string[]): void {
    this.endpoints.set(platform, names);
  }

  add(spec: FaultSpec): Fault {
    if (!faultKinds.includes(spec.kind)) throw new Error(`unknown fault kind "${String(spec.kind)}" (known: ${faultKinds.join(', ')})`);
    // A misspelt endpoint would never fire, and a test that set it would pass for the wrong reason.
    const known = this.endpoints.get(spec.platform);
    if (spec.endpoint !== undefined && spec.endpoint !== '*' && known && !known.includes(spec.endpoint)) throw new Error(`unknown ${spec.platform} endpoint "${spec.endpoint}" (known: ${known.join(', ')})`);
    const probability = spec.probability ?? 1;
    if (!(probability > 0 && probability <= 1)) throw new Error('probability must be more than 0 and at most 1');
    const generator = xoroshiro128plus(spec.seed ?? 0);
    const fault: Fault = {
      id: this.nextId++,
      spec,
      platform: spec.platform,
      endpoint: spec.endpoint ?? '*',
      kind: spec.kind,
      times: spec.times ?? 1,
      probability,
      fired: 0,
      draws: [],
      next: () => uniformFloat64(generator),
    };
    this.faults.push(fault);
    return fault;
  }

  /** The first live fault of one of `kinds` for this endpoint that fires now (drawing from its seed), consumed. */
  take(platform: string, endpoint: string, kinds: readonly FaultKind[] = faultKinds): Fault | undefined {
    for (const fault of this.faults) {
      if (fault.platform !== platform || (fault.endpoint !== '*' && fault.endpoint !== endpoint) || !kinds.includes(fault.kind)) continue;
      if (fault.times !== 0 && fault.fired >= fault.times) continue;
      const fires = fault.probability >= 1 || fault.next() < fault.probability;
      fault.draws.push(fires);
      if (!fires) continue;
      fault.fired++;
      return fault;
    }
    return undefined;
  }

  list(): Omit<Fault, 'next'>[] {
    return this.faults.map(({ next: _next, ...fault }) => fault);
  }

  clear(): void {
    this.faults = [];
  }
}
