// A browser-like HTTP client for a portal started as a process (server-process.ts): keeps the
// session cookie, reads CSRF tokens, follows nothing.
import { OVER_HTTPS } from "./server-process.ts";

export function csrfTokenIn(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error("no CSRF token on the page");
  return match[1]!;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  text: string;
}

export class HttpClient {
  /** The session cookie as sent: "rhins.sid=...". */
  cookie = "";

  /** `headers` go with every request (e.g. X-Forwarded-For, to come from an address of its own). */
  constructor(
    readonly base: string,
    readonly headers: Record<string, string> = {},
  ) {}

  async request(
    method: string,
    path: string,
    body?: string,
    headers: Record<string, string> = {},
  ): Promise<HttpResponse> {
    const res = await fetch(`${this.base}${path}`, {
      method,
      redirect: "manual",
      headers: {
        ...OVER_HTTPS,
        ...(this.cookie ? { cookie: this.cookie } : {}),
        // The address the browser saw, through the TLS proxy.
        ...(body !== undefined
          ? { "content-type": "application/x-www-form-urlencoded", origin: this.base.replace(/^http:/, "https:") }
          : {}),
        ...this.headers,
        ...headers,
      },
      body,
    });
    const set = res.headers.getSetCookie().find((c) => c.startsWith("rhins.sid="));
    if (set) this.cookie = set.split(";")[0]!;
    return { status: res.status, headers: res.headers, text: await res.text() };
  }

  get(path: string) {
    return this.request("GET", path);
  }

  /** POSTs urlencoded fields as they are (no token added). */
  postRaw(path: string, body: string | URLSearchParams) {
    return this.request("POST", path, body.toString());
  }

  /** GETs `page` for its CSRF token, then POSTs the fields with it to `action` (default: the same path). */
  async submit(page: string, fields: Record<string, string>, action = page): Promise<HttpResponse> {
    const form = await this.get(page);
    return this.postRaw(action, new URLSearchParams({ ...fields, _csrf: csrfTokenIn(form.text) }));
  }

  async signIn(email: string, password: string): Promise<this> {
    const res = await this.submit("/partners/sign-in", { email, password });
    if (res.status !== 302 || res.headers.get("location") !== "/partners")
      throw new Error(`sign-in as ${email} failed: ${res.status} ${res.headers.get("location") ?? ""}`);
    return this;
  }
}
