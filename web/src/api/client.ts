// The HTTP API of ampflux-server (ampflux-server/README.md): tokens, errors as
// `{code, message, issues}`, and server-sent event streams.
//
// Tokens: the access token lives in memory only; the refresh token is kept in localStorage so
// that a reload keeps the session. The access token is renewed before it expires (at 80 % of
// its lifetime) and once more when a request is answered 401; a failed renewal signs out.
import { readSse, type SseEvent } from "./sse";

export interface Tokens {
  access_token: string;
  refresh_token: string;
  token_type: string;
  expires_in: number;
}

export class ApiError extends Error {
  status: number;
  code: string;
  issues: { message: string; table?: string; element?: string; field?: string }[];
  constructor(status: number, body: { code?: string; message?: string; issues?: ApiError["issues"] } | null) {
    super(body?.message ?? `HTTP ${status}`);
    this.name = "ApiError";
    this.status = status;
    this.code = body?.code ?? "http_error";
    this.issues = body?.issues ?? [];
  }
}

export const REFRESH_KEY = "ampflux.refresh_token";

export interface Storage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

type Timer = ReturnType<typeof setTimeout>;

export class ApiClient {
  private access: string | null = null;
  private refreshTimer: Timer | null = null;
  private refreshing: Promise<boolean> | null = null;
  /** Called when the session ends (sign-out, or the refresh token is no longer accepted). */
  onSignedOut: () => void = () => {};

  constructor(
    private base = "",
    private storage: Storage = globalThis.localStorage,
    private fetchImpl: typeof fetch = (...args) => globalThis.fetch(...args),
    private clock = { setTimeout: (f: () => void, ms: number) => setTimeout(f, ms), clearTimeout: (t: Timer) => clearTimeout(t) },
  ) {}

  get signedIn(): boolean {
    return this.access !== null;
  }

  get accessToken(): string | null {
    return this.access;
  }

  get hasRefreshToken(): boolean {
    return this.storage.getItem(REFRESH_KEY) !== null;
  }

  private accept(t: Tokens) {
    this.access = t.access_token;
    this.storage.setItem(REFRESH_KEY, t.refresh_token);
    if (this.refreshTimer) this.clock.clearTimeout(this.refreshTimer);
    const ms = Math.max(5, t.expires_in * 0.8) * 1000;
    this.refreshTimer = this.clock.setTimeout(() => void this.refresh(), ms);
  }

  private forget() {
    this.access = null;
    this.storage.removeItem(REFRESH_KEY);
    if (this.refreshTimer) this.clock.clearTimeout(this.refreshTimer);
    this.refreshTimer = null;
  }

  async register(body: { company_name: string; name: string; email: string; password: string }): Promise<void> {
    this.accept(await this.request<Tokens>("POST", "/api/v1/auth/register", body, false));
  }

  async login(email: string, password: string): Promise<void> {
    this.accept(await this.request<Tokens>("POST", "/api/v1/auth/login", { email, password }, false));
  }

  /** Renews the access token with the stored refresh token; false (and signed out) when refused. */
  refresh(): Promise<boolean> {
    this.refreshing ??= (async () => {
      const token = this.storage.getItem(REFRESH_KEY);
      if (!token) return false;
      try {
        this.accept(await this.request<Tokens>("POST", "/api/v1/auth/refresh", { refresh_token: token }, false));
        return true;
      } catch (err) {
        if (err instanceof ApiError && (err.status === 401 || err.status === 400 || err.status === 403)) {
          this.forget();
          this.onSignedOut();
        }
        return false;
      }
    })().finally(() => { this.refreshing = null; });
    return this.refreshing;
  }

  async logout(): Promise<void> {
    const token = this.storage.getItem(REFRESH_KEY);
    try {
      if (token) await this.request("POST", "/api/v1/auth/logout", { refresh_token: token });
    } finally {
      this.forget();
      this.onSignedOut();
    }
  }

  private async send(method: string, path: string, body: unknown, auth: boolean, accept = "application/json"): Promise<Response> {
    const headers: Record<string, string> = { accept };
    if (body !== undefined) headers["content-type"] = "application/json";
    if (auth && this.access) headers.authorization = `Bearer ${this.access}`;
    return this.fetchImpl(this.base + path, { method, headers, body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body) });
  }

  private async checked(method: string, path: string, body: unknown, auth: boolean, accept?: string): Promise<Response> {
    let res = await this.send(method, path, body, auth, accept);
    if (res.status === 401 && auth && (await this.refresh())) res = await this.send(method, path, body, auth, accept);
    if (!res.ok) {
      let payload = null;
      try { payload = await res.json(); } catch { /* not JSON */ }
      throw new ApiError(res.status, payload);
    }
    return res;
  }

  async request<T>(method: string, path: string, body?: unknown, auth = true): Promise<T> {
    const res = await this.checked(method, path, body, auth);
    if (res.status === 204) return undefined as T;
    return (await res.json()) as T;
  }

  /** POSTs (or GETs when `body` is undefined) and reads the answer as server-sent events. */
  async stream(method: string, path: string, body: unknown, onEvent: (e: SseEvent) => void): Promise<void> {
    const res = await this.checked(method, path, body, true, "text/event-stream");
    if (!res.body) throw new Error("the server sent no event stream");
    await readSse(res.body, onEvent);
  }
}
