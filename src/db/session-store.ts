// express-session's store in the database (WebSession), so sessions survive a restart and work
// on PGlite and Postgres alike. An expired session is never returned, whatever the cookie says.
import session from "express-session";
import type { SessionData } from "express-session";
import type { PrismaClient } from "../generated/prisma/client.ts";

type Callback<T = void> = (err?: unknown, value?: T) => void;

/**
 * Each request restarts a session's idle clock (rolling), but its expiry is written to the
 * database at most this often: a partner clicking around costs no write per page, and the idle
 * timeout still holds to within this much.
 */
export const TOUCH_INTERVAL_MS = 60_000;
/** Past this many remembered writes, those older than the interval are forgotten. */
const MAX_REMEMBERED = 1_000;

export class PrismaSessionStore extends session.Store {
  /** When this process last wrote each session's expiry. */
  private readonly written = new Map<string, number>();

  constructor(private readonly prisma: PrismaClient) {
    super();
  }

  private wrote(sid: string): void {
    const now = Date.now();
    if (this.written.size >= MAX_REMEMBERED) {
      for (const [key, at] of this.written) if (now - at >= TOUCH_INTERVAL_MS) this.written.delete(key);
    }
    this.written.set(sid, now);
  }

  /** The cookie's expiry is the idle timeout, restarted on every request (rolling). */
  private expiry(data: SessionData): Date {
    return data.cookie?.expires ? new Date(data.cookie.expires) : new Date();
  }

  private userId(data: SessionData): number | null {
    const user = (data as { passport?: { user?: unknown } }).passport?.user;
    return typeof user === "number" ? user : null;
  }

  override get(sid: string, callback: Callback<SessionData | null>): void {
    this.prisma.webSession
      .findUnique({ where: { sid } })
      .then((row) =>
        callback(undefined, row && row.expiresAt > new Date() ? (row.data as unknown as SessionData) : null),
      )
      .catch(callback);
  }

  override set(sid: string, data: SessionData, callback?: Callback): void {
    const values = { data: JSON.parse(JSON.stringify(data)), expiresAt: this.expiry(data), userId: this.userId(data) };
    this.prisma.webSession
      .upsert({ where: { sid }, create: { sid, ...values }, update: values })
      .then(() => {
        this.wrote(sid);
        callback?.();
      })
      .catch((err) => callback?.(err));
  }

  override touch(sid: string, data: SessionData, callback?: Callback): void {
    const last = this.written.get(sid);
    if (last !== undefined && Date.now() - last < TOUCH_INTERVAL_MS) {
      callback?.();
      return;
    }
    this.prisma.webSession
      .updateMany({ where: { sid }, data: { expiresAt: this.expiry(data) } })
      .then(() => {
        this.wrote(sid);
        callback?.();
      })
      .catch((err) => callback?.(err));
  }

  override destroy(sid: string, callback?: Callback): void {
    this.written.delete(sid);
    this.prisma.webSession
      .deleteMany({ where: { sid } })
      .then(() => callback?.())
      .catch((err) => callback?.(err));
  }

  /** Removes expired sessions; run from time to time. */
  async prune(): Promise<number> {
    const { count } = await this.prisma.webSession.deleteMany({ where: { expiresAt: { lt: new Date() } } });
    return count;
  }
}
