import { describe, expect, it } from "vitest";
import { ApiClient, ApiError, REFRESH_KEY } from "./client";

function memory() {
  const m = new Map<string, string>();
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), removeItem: (k: string) => void m.delete(k), m };
}

function json(status: number, body: unknown) {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}

function fakeClock() {
  const timers: { f: () => void; ms: number }[] = [];
  return { timers, setTimeout: (f: () => void, ms: number) => { timers.push({ f, ms }); return timers.length as unknown as ReturnType<typeof setTimeout>; }, clearTimeout: () => {} };
}

const tokens = (n: number) => ({ access_token: `A${n}`, refresh_token: `R${n}`, token_type: "Bearer", expires_in: 1800 });

describe("ApiClient", () => {
  it("signs in, keeps the refresh token and renews the access token at 80 % of its lifetime", async () => {
    const store = memory();
    const clock = fakeClock();
    const calls: string[] = [];
    let n = 0;
    const fetchImpl = (async (url: string, init: RequestInit) => {
      calls.push(`${init.method} ${url} ${init.body ?? ""}`);
      return json(200, tokens(++n));
    }) as unknown as typeof fetch;
    const api = new ApiClient("", store, fetchImpl, clock);
    await api.login("ana@acme.test", "pw");
    expect(api.accessToken).toBe("A1");
    expect(store.getItem(REFRESH_KEY)).toBe("R1");
    expect(clock.timers[0].ms).toBe(1800 * 0.8 * 1000);
    clock.timers[0].f();
    await new Promise((r) => setTimeout(r, 0));
    expect(calls[1]).toBe('POST /api/v1/auth/refresh {"refresh_token":"R1"}');
    expect(api.accessToken).toBe("A2");
    expect(store.getItem(REFRESH_KEY)).toBe("R2");
  });

  it("renews once on 401 and repeats the request with the new token", async () => {
    const store = memory();
    store.setItem(REFRESH_KEY, "R0");
    const auth: (string | null)[] = [];
    let refreshed = false;
    const fetchImpl = (async (url: string, init: RequestInit) => {
      if (url.endsWith("/refresh")) { refreshed = true; return json(200, tokens(9)); }
      const h = (init.headers as Record<string, string>).authorization ?? null;
      auth.push(h);
      return h === "Bearer A9" ? json(200, { ok: true }) : json(401, { code: "token_expired", message: "expired" });
    }) as unknown as typeof fetch;
    const api = new ApiClient("", store, fetchImpl, fakeClock());
    expect(await api.request("GET", "/api/v1/users/me")).toEqual({ ok: true });
    expect(refreshed).toBe(true);
    expect(auth).toEqual([null, "Bearer A9"]);
  });

  it("signs out when the refresh token is refused, and reports API errors with code and issues", async () => {
    const store = memory();
    store.setItem(REFRESH_KEY, "stale");
    let signedOut = false;
    const fetchImpl = (async (url: string) => (url.endsWith("/refresh")
      ? json(401, { code: "invalid_token", message: "refresh token revoked" })
      : json(422, { code: "validation_error", message: "bad network", issues: [{ message: "lines L1: length_km must be positive" }] }))) as unknown as typeof fetch;
    const api = new ApiClient("", store, fetchImpl, fakeClock());
    api.onSignedOut = () => { signedOut = true; };
    expect(await api.refresh()).toBe(false);
    expect(signedOut).toBe(true);
    expect(store.getItem(REFRESH_KEY)).toBeNull();
    const err = (await api.request("POST", "/api/v1/x", {}).catch((e) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.code).toBe("validation_error");
    expect(err.issues[0].message).toContain("length_km");
  });
});
