// The Rust API is reached at /api/rust/* on the Next.js origin, so the browser sends it the
// session cookie and no CORS is needed.
const api = process.env.RUST_API_URL ?? "http://127.0.0.1:3301";

export default {
  async rewrites() {
    return [{ source: "/api/rust/:path*", destination: `${api}/api/:path*` }];
  },
};
