import { z } from "zod";

/**
 * The sign-in, sign-up and password forms' schemas, shared by the pages (for
 * messages next to each field) and the actions (the boundary check).
 */
const email = z.email("Enter an email address like name@school.org").trim().toLowerCase();
const newPassword = z
  .string()
  .min(10, "Use at least 10 characters")
  .max(128, "Use at most 128 characters");

export const signInSchema = z.object({
  email,
  password: z.string().min(1, "Enter your password").max(128),
  redirectTo: z.string().optional(),
});

export const signUpSchema = z
  .object({
    name: z.string().trim().min(1, "Enter your name").max(120, "Use at most 120 characters"),
    email,
    password: newPassword,
    confirm: z.string(),
    invitation: z.uuid().optional(),
    school: z.string().max(100).optional(),
  })
  .refine((v) => v.password === v.confirm, {
    path: ["confirm"],
    message: "The two passwords differ",
  });

export const forgotPasswordSchema = z.object({ email });

export const resetPasswordSchema = z
  .object({ token: z.string().min(1), password: newPassword, confirm: z.string() })
  .refine((v) => v.password === v.confirm, {
    path: ["confirm"],
    message: "The two passwords differ",
  });

export const changePasswordSchema = z
  .object({
    currentPassword: z.string().min(1, "Enter your current password"),
    password: newPassword,
    confirm: z.string(),
  })
  .refine((v) => v.password === v.confirm, {
    path: ["confirm"],
    message: "The two passwords differ",
  });

export const profileSchema = z.object({
  name: z.string().trim().min(1, "Enter your name").max(120, "Use at most 120 characters"),
});

export type FieldErrors = Partial<Record<string, string>>;

/** First message per field, for showing next to the inputs. */
export function fieldErrors(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const key = String(issue.path[0] ?? "form");
    out[key] ??= issue.message;
  }
  return out;
}

/** Only same-site paths, so a crafted link cannot bounce a person elsewhere after sign-in. */
export function safeRedirect(target: unknown, fallback = "/"): string {
  if (typeof target !== "string" || !target.startsWith("/") || target.startsWith("//")) {
    return fallback;
  }
  return target.includes("\\") ? fallback : target;
}
