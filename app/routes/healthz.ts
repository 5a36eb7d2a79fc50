import { checkHealth } from "~/services/health.server";
import { apiRoute } from "~/utils/api";

export const loader = apiRoute(async ({ context }) => {
  const { httpStatus, body } = await checkHealth(context.db.pool);
  return Response.json(body, { status: httpStatus, headers: { "Cache-Control": "no-store" } });
});
