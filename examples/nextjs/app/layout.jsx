export const metadata = { title: "Next.js and Rust, one session" };

export default function RootLayout({ children }) {
  return (
    <html lang="en">
      <body style={{ fontFamily: "system-ui, sans-serif", maxWidth: "40rem", margin: "2rem auto" }}>
        {children}
      </body>
    </html>
  );
}
