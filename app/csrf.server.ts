import type { RequestHandler } from "express";
import { AppError, errorBody } from "../core/platform/errors";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Refuse cross-site writes. Browsers send `Origin` on every non-GET request
 * (and `Sec-Fetch-Site`); a form posted from another site therefore names a
 * foreign origin. Non-browser clients that send neither carry no ambient
 * cookies worth forging, so they pass. SameSite=Lax cookies are the second line.
 */
export function rejectCrossSiteWrites(appUrl: string): RequestHandler {
  const appOrigin = new URL(appUrl).origin;
  return (req, res, next) => {
    if (SAFE_METHODS.has(req.method)) return next();
    const origin = req.get("origin");
    const site = req.get("sec-fetch-site");
    const sameHost = `${req.protocol}://${req.get("host")}`;
    const allowed = origin
      ? origin === appOrigin || origin === sameHost
      : site === undefined || site === "same-origin" || site === "none";
    if (allowed) return next();
    const error = new AppError("forbidden", "Cross-site requests are not accepted.");
    res.status(error.status).json(errorBody(error, String(res.locals.requestId ?? "")));
  };
}
