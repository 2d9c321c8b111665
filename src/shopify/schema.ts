/** The pinned Admin schema, re-exported from the shopify-admin-schema workspace package so callers keep one import path. */
export { ADMIN_API_VERSION, ADMIN_SCHEMA_PATH, loadAdminSchema } from 'shopify-admin-schema';
