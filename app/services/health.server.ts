// Route modules reach server-only code through `app/**/*.server.ts` files, which
// the Remix compiler leaves out of the browser bundle (it only does so inside app/).
export { checkHealth, checkReadiness } from "../../core/platform/health";
