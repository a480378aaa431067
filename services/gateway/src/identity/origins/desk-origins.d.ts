/**
 * The origins of the agent desk: the gateway's own (it serves the desk at `/desk/`), recognized
 * as an `Origin` whose host and port are the request's `Host`, plus the installation's
 * `DESK_ORIGINS`. A browser cannot forge either header, which is what the check is about: a
 * page of another site must not log agents in or open agent sockets with their credentials.
 * (A reverse proxy that rewrites `Host` needs the public origin in `DESK_ORIGINS`.)
 */
export declare class DeskOrigins {
    private readonly listed;
    constructor(deskOrigins: readonly string[]);
    allows(origin: string, host: string | undefined): boolean;
}
/** `DESK_ORIGINS`: a comma-separated list of origins; answers the origins, or the first entry that is not one. */
export declare function parseDeskOrigins(value: string): {
    origins: string[];
} | {
    invalid: string;
};
//# sourceMappingURL=desk-origins.d.ts.map