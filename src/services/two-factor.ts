// The second factor: a TOTP authenticator app, with single-use recovery codes for when the
// phone is lost. Required for coordinators when MFA_REQUIRED is on; optional for everyone else.
// The app's secret is stored encrypted (services/encryption.ts), bound to its account.
import { createHash, randomBytes } from "node:crypto";
import { generateSecret, generateURI, verify } from "otplib";
import type { PrismaClient } from "../generated/prisma/client.ts";
import type { AccountService } from "./accounts.ts";
import type { Actor, AuditService } from "./audit.ts";
import { rowBinding } from "./encrypted-columns.ts";
import { DecryptionError, type EncryptionService } from "./encryption.ts";
import { FieldError } from "./errors.ts";

const STEP_SECONDS = 30;
const RECOVERY_CODES = 10;
const hashCode = (code: string) =>
  createHash("sha256")
    .update(code.replace(/[^a-z0-9]/gi, "").toLowerCase())
    .digest("hex");

const secretBinding = (userId: number) => rowBinding("User", "totpSecret", userId);
/** Every encrypted value starts so; a secret that does not was stored before secrets were encrypted. */
const TOKEN_PREFIX = "e1.";
const SECRETS_BATCH = 100;

/**
 * Encrypts the secrets stored in clear before they were encrypted: run at start-up after the
 * migrations, and by the key rotation. Idempotent, and safe beside a running portal (a secret
 * changed meanwhile is left as it now is). Returns how many it encrypted.
 */
export async function encryptPlaintextTotpSecrets(prisma: PrismaClient, encryption: EncryptionService) {
  let encrypted = 0;
  let after = 0;
  for (;;) {
    const users = await prisma.user.findMany({
      where: { id: { gt: after }, totpSecret: { not: null }, NOT: { totpSecret: { startsWith: TOKEN_PREFIX } } },
      select: { id: true, totpSecret: true },
      orderBy: { id: "asc" },
      take: SECRETS_BATCH,
    });
    for (const { id, totpSecret } of users) {
      const { count } = await prisma.user.updateMany({
        where: { id, totpSecret },
        data: { totpSecret: encryption.encrypt(totpSecret!, secretBinding(id)) },
      });
      encrypted += count;
    }
    if (users.length < SECRETS_BATCH) return encrypted;
    after = users[users.length - 1]!.id;
  }
}

export interface TwoFactorOptions {
  audit: AuditService;
  accounts: AccountService;
  encryption: EncryptionService;
  mfaRequired: boolean;
  now?: () => Date;
}

export function twoFactorService(prisma: PrismaClient, options: TwoFactorOptions) {
  const { audit, accounts, encryption } = options;
  const now = options.now ?? (() => new Date());

  /** The account's secret; undefined if it does not decrypt (changed, or its key removed), so no code passes. */
  function secretOf(user: { id: number; totpSecret: string }): string | undefined {
    try {
      return encryption.decrypt(user.totpSecret, secretBinding(user.id));
    } catch (err) {
      if (err instanceof DecryptionError) return undefined;
      throw err;
    }
  }

  /** Checks a TOTP code (one step of clock drift allowed) that has not been used before. */
  async function checkTotp(secret: string, code: string, lastStep: number | null): Promise<number | null> {
    if (!/^\d{6}$/.test(code)) return null;
    const epoch = Math.floor(now().getTime() / 1000);
    const result = await verify({
      secret,
      token: code,
      epoch,
      epochTolerance: STEP_SECONDS,
      afterTimeStep: lastStep ?? undefined,
    });
    return result.valid ? Math.floor(epoch / STEP_SECONDS) + (result.delta ?? 0) : null;
  }

  return {
    /** Encrypts the secrets stored in clear before they were encrypted (at start-up). */
    encryptPlaintextSecrets: () => encryptPlaintextTotpSecrets(prisma, encryption),

    /** Whether this role must use a second factor before doing anything in the partner area. */
    requiredFor(user: Express.User): boolean {
      // Coordinators run the accounts and the plan; case access opens special category data.
      return options.mfaRequired && (user.role === "COORDINATOR" || user.caseAccess);
    },

    newSecret: () => generateSecret(),

    async enrolmentDetails(user: Express.User, secret: string) {
      const uri = generateURI({ issuer: "RHINS portal", label: user.email, secret });
      // qrcode is loaded by the first enrolment, not at start-up: few requests need it.
      const { toDataURL } = await import("qrcode");
      return { uri, secret, qrCode: await toDataURL(uri, { errorCorrectionLevel: "M", margin: 1 }) };
    },

    /** Turns the second factor on once the first code proves the app is set up; returns recovery codes to show once. */
    async enable(actor: Actor, secret: string, code: string): Promise<string[]> {
      const step = await checkTotp(secret, code.trim(), null);
      if (step === null)
        throw new FieldError("code", "The code is not right. Enter the 6-digit code your app shows now");
      const codes = Array.from({ length: RECOVERY_CODES }, () => {
        const raw = randomBytes(5).toString("hex");
        return `${raw.slice(0, 5)}-${raw.slice(5)}`;
      });
      await prisma.$transaction(async (tx) => {
        await tx.user.update({
          where: { id: actor.id },
          data: {
            totpSecret: encryption.encrypt(secret, secretBinding(actor.id)),
            totpEnabledAt: now(),
            totpLastStep: step,
          },
        });
        await tx.recoveryCode.deleteMany({ where: { userId: actor.id } });
        await tx.recoveryCode.createMany({ data: codes.map((c) => ({ userId: actor.id, codeHash: hashCode(c) })) });
        await audit.record({ actor, action: "two-factor.enabled", entityType: "User", entityId: actor.id }, tx);
      });
      return codes;
    },

    async disable(actor: Actor) {
      await prisma.$transaction(async (tx) => {
        await tx.user.update({
          where: { id: actor.id },
          data: { totpSecret: null, totpEnabledAt: null, totpLastStep: null },
        });
        await tx.recoveryCode.deleteMany({ where: { userId: actor.id } });
        await audit.record({ actor, action: "two-factor.disabled", entityType: "User", entityId: actor.id }, tx);
      });
    },

    /** Checks the second step of a sign-in: an authenticator code or an unused recovery code. */
    async verifySignIn(userId: number, codeInput: string, ip: string): Promise<boolean> {
      const user = await prisma.user.findUniqueOrThrow({ where: { id: userId } });
      if (!user.totpSecret || (user.lockedUntil && user.lockedUntil > now())) return false;
      const code = codeInput.trim();
      const secret = secretOf({ id: user.id, totpSecret: user.totpSecret });
      const step = secret === undefined ? null : await checkTotp(secret, code, user.totpLastStep);
      if (step !== null) {
        // Conditional on the last step so the same code cannot be used twice, even at once.
        const { count } = await prisma.user.updateMany({
          where: { id: userId, OR: [{ totpLastStep: null }, { totpLastStep: { lt: step } }] },
          data: { totpLastStep: step, failedSignInCount: 0, firstFailedSignInAt: null },
        });
        if (count === 1) {
          await audit.record({ actor: user, action: "two-factor.passed", entityType: "User", entityId: userId, ip });
          return true;
        }
      } else {
        const used = await prisma.recoveryCode.updateMany({
          where: { userId, codeHash: hashCode(code), usedAt: null },
          data: { usedAt: now() },
        });
        if (used.count === 1) {
          await audit.record({
            actor: user,
            action: "two-factor.recovery-code-used",
            entityType: "User",
            entityId: userId,
            ip,
          });
          return true;
        }
      }
      await accounts.recordFailure(user, ip, "wrong second-factor code");
      return false;
    },
  };
}

export type TwoFactorService = ReturnType<typeof twoFactorService>;
