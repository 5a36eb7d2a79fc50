import { checkReadiness } from "~/services/health.server";
import { apiRoute } from "~/utils/api";

export const loader = apiRoute(async ({ context }) => {
  const { httpStatus, body } = await checkReadiness(context.db.pool, context.readiness);
  return Response.json(body, { status: httpStatus, headers: { "Cache-Control": "no-store" } });
});
