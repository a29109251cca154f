// next-auth's routes under /api/auth.
import { handlers } from "../../../../auth.js";

export const { GET, POST } = handlers;
