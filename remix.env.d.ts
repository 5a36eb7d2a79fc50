/// <reference types="@remix-run/dev" />
/// <reference types="@remix-run/node" />

// Single Fetch's type inference for loaders and actions (matches remix.config.js).
declare module "@remix-run/node" {
  interface Future {
    v3_singleFetch: true;
  }
}

export {};
