/** What the core reports about its work; metrics implement it, tests may too. */
export interface CoreObserver {
  request(api: "janus" | "admin", transport: string, verb: string): void;
  error(api: "janus" | "admin", code: number): void;
}

export const silentObserver: CoreObserver = {
  request() {},
  error() {},
};
