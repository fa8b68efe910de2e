// What a partner typed into a form that reached the portal after their session had ended (or
// with a token gone stale): kept encrypted for 30 minutes, tied to that browser and to the partner
// who was signed in there, and given back once, to put into the same form, which is not saved
// until they press its button again.
//
// The browser holds an unguessable id in a cookie, with a tag of the partner it was made for and
// a MAC over both, so a made-up cookie is worthless; the database holds only a keyed hash of the
// id (PendingForm.browserKey), and the fields encrypted and bound to that hash and the page.
import { randomBytes, timingSafeEqual } from "node:crypto";
import type { PrismaClient } from "../generated/prisma/client.ts";
import { DecryptionError, type EncryptionService } from "./encryption.ts";

export const PENDING_FORM_TTL_MS = 30 * 60_000;
/** Forms kept for one browser at most; the oldest go first. */
export const MAX_PENDING_PER_BROWSER = 10;
/** The body parser allows 32 KB; this bounds what is kept whatever it allows. */
export const MAX_KEPT_CHARS = 64 * 1024;
/** Field names our forms use; anything else is not kept (nor "__proto__" and the like). */
// A trailing "[]" marks a field that repeats (a row of fields per agency).
const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}(\[\])?$/;
/** Passwords are never kept, not even encrypted: such a form is typed again. */
const SECRET_FIELD = /password/i;

/** A form's fields as the body parser gives them: one string, or several for repeated fields. */
export type KeptFields = Record<string, string | string[]>;

/** Why a form was kept, for the message shown with it. */
export type KeptReason = "signed-out" | "out-of-date";

export interface KeptForm {
  fields: KeptFields;
  reason: KeptReason;
}

/** The browser's cookie, read back: its id and the partner it was made for. */
export interface BrowserMark {
  browserId: string;
  owner: string;
}

interface Payload {
  owner: string;
  reason: KeptReason;
  fields: KeptFields;
}

const sameText = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * The fields of a posted form worth keeping: everything but the CSRF token, as strings; nothing
 * (undefined) when nothing was typed, a field holds a password or is not one of ours, or it is
 * too big.
 */
export function keepableFields(body: unknown): KeptFields | undefined {
  if (body === null || typeof body !== "object") return undefined;
  const fields: KeptFields = {};
  for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
    if (name === "_csrf") continue;
    if (!FIELD_NAME.test(name) || SECRET_FIELD.test(name)) return undefined;
    if (typeof value === "string") fields[name] = value;
    else if (Array.isArray(value) && value.every((v) => typeof v === "string")) fields[name] = value;
    else return undefined;
  }
  if (Object.keys(fields).length === 0 || JSON.stringify(fields).length > MAX_KEPT_CHARS) return undefined;
  return fields;
}

export function pendingFormService(prisma: PrismaClient, encryption: EncryptionService) {
  const browserKey = (browserId: string) => encryption.lookupHash("PendingForm.browser", browserId);
  const ownerTag = (userId: number) => encryption.lookupHash("PendingForm.owner", String(userId));
  const cookieMac = (browserId: string, owner: string) =>
    encryption.lookupHash("PendingForm.cookie", `${browserId}.${owner}`);
  // The payload only decrypts for the browser and page it was kept for.
  const binding = (key: string, path: string) => ["PendingForm", "payload", key, path];

  return {
    TTL_MS: PENDING_FORM_TTL_MS,

    /** A new cookie value for a browser where this partner is signed in. */
    markFor(userId: number): string {
      const browserId = randomBytes(32).toString("base64url");
      const owner = ownerTag(userId);
      return `${browserId}.${owner}.${cookieMac(browserId, owner)}`;
    },

    /** The cookie's id and owner, if this portal made it; undefined for anything else. */
    readMark(cookie: string | undefined): BrowserMark | undefined {
      const [browserId, owner, mac, ...rest] = (cookie ?? "").split(".");
      if (!browserId || !owner || !mac || rest.length > 0 || browserId.length !== 43) return undefined;
      return sameText(mac, cookieMac(browserId, owner)) ? { browserId, owner } : undefined;
    },

    /** Whether the cookie was made for this partner. */
    markIsFor(mark: BrowserMark, userId: number): boolean {
      return sameText(mark.owner, ownerTag(userId));
    },

    /**
     * Keeps a form's fields for `path` (the form page, below /partners) for 30 minutes, in place
     * of any kept earlier for the same page in this browser. Expired forms are swept as it goes.
     */
    async keep(mark: BrowserMark, path: string, fields: KeptFields, reason: KeptReason): Promise<void> {
      const key = browserKey(mark.browserId);
      const now = new Date();
      await prisma.pendingForm.deleteMany({ where: { OR: [{ expiresAt: { lte: now } }, { browserKey: key, path }] } });
      const older = await prisma.pendingForm.findMany({
        where: { browserKey: key },
        orderBy: { id: "desc" },
        skip: MAX_PENDING_PER_BROWSER - 1,
        select: { id: true },
      });
      if (older.length) await prisma.pendingForm.deleteMany({ where: { id: { in: older.map((o) => o.id) } } });
      const payload: Payload = { owner: mark.owner, reason, fields };
      await prisma.pendingForm.create({
        data: {
          browserKey: key,
          path,
          payload: encryption.encrypt(JSON.stringify(payload), binding(key, path)),
          expiresAt: new Date(now.getTime() + PENDING_FORM_TTL_MS),
        },
      });
    },

    /**
     * The form kept for `path` in this browser, for this partner, taken (deleted) so it is given
     * back once; undefined if there is none, it has expired, or it was kept for someone else.
     */
    async take(mark: BrowserMark, userId: number, path: string): Promise<KeptForm | undefined> {
      const key = browserKey(mark.browserId);
      const rows = await prisma.pendingForm.findMany({ where: { browserKey: key, path }, orderBy: { id: "desc" } });
      if (rows.length === 0) return undefined;
      // Whatever is found is used up or out of date: none of it is given back twice.
      const live = rows.find((r) => r.expiresAt > new Date());
      const others = rows.filter((r) => r !== live).map((r) => r.id);
      if (others.length) await prisma.pendingForm.deleteMany({ where: { id: { in: others } } });
      if (!live) return undefined;
      // Two pages asking at once: only the one whose delete removed the row gives it back.
      const { count } = await prisma.pendingForm.deleteMany({ where: { id: live.id } });
      if (count === 0) return undefined;
      let payload: Payload;
      try {
        payload = JSON.parse(encryption.decrypt(live.payload, binding(key, path))) as Payload;
      } catch (err) {
        if (err instanceof DecryptionError || err instanceof SyntaxError) return undefined;
        throw err;
      }
      if (
        typeof payload.owner !== "string" ||
        !sameText(payload.owner, ownerTag(userId)) ||
        !sameText(payload.owner, mark.owner)
      )
        return undefined;
      const fields = keepableFields(payload.fields);
      return fields ? { fields, reason: payload.reason === "out-of-date" ? "out-of-date" : "signed-out" } : undefined;
    },

    /** Forgets every form kept in this browser (on signing out). */
    async forget(mark: BrowserMark): Promise<void> {
      await prisma.pendingForm.deleteMany({ where: { browserKey: browserKey(mark.browserId) } });
    },

    /** Deletes every expired form; keep() does this too, so no job is needed. */
    async sweep(): Promise<number> {
      const { count } = await prisma.pendingForm.deleteMany({ where: { expiresAt: { lte: new Date() } } });
      return count;
    },
  };
}

export type PendingFormService = ReturnType<typeof pendingFormService>;
