// Types shared across the app: what middleware adds to Express's request and response.
export {};

declare global {
  namespace Express {
    interface Locals {
      /** Per-request CSP nonce for the single inline script. */
      cspNonce: string;
    }
  }
}
