export * from "./tenancy";
export * from "./identity";
export * from "./classroom";
export * from "./eventLog";
export * from "./studio";
export * from "./interaction";
export * from "./artifacts";
export * from "./idempotency";
