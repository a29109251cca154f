//! Cost against input size for the parsers that take outside input: the same kind of hostile
//! input at 1 KiB, 8 KiB and 64 KiB. A linear parser costs about 8x more per step; the fuzzing
//! notes (docs/fuzzing.md) report the ratios.
//!
//! `cargo bench -p auth-runtime --bench input_scaling`

#![allow(missing_docs)]

use std::hint::black_box;

use auth_runtime::callbacks::default_redirect;
use auth_runtime::config::AuthConfig;
use auth_runtime::cookies::{CookieOptions, CookieSpec, SessionStore, parse_cookie_header};
use auth_runtime::engine::AuthHandler;
use auth_runtime::jose::JwtCodec;
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};

const SIZES: [usize; 3] = [1 << 10, 8 << 10, 64 << 10];

fn repeat_to(unit: &str, size: usize) -> String {
    unit.repeat(size / unit.len() + 1)[..size].to_owned()
}

fn scaling(c: &mut Criterion) {
    let spec = CookieSpec {
        name: "authjs.session-token".into(),
        options: CookieOptions::defaults(false),
    };
    let mut group = c.benchmark_group("cookie_header_distinct_pairs");
    for size in SIZES {
        // Distinct short names: the worst case of the old quadratic parser.
        let header: String = (0..)
            .map(|i| format!("c{i}=v;"))
            .take_while({
                let mut total = 0;
                move |pair: &String| {
                    total += pair.len();
                    total <= size
                }
            })
            .collect();
        group.bench_with_input(BenchmarkId::from_parameter(size), &header, |b, h| {
            b.iter(|| {
                let pairs = parse_cookie_header([h.as_str()]);
                black_box(SessionStore::new(&spec, &pairs).value().map(str::len))
            });
        });
    }
    group.finish();

    let mut group = c.benchmark_group("cookie_header_junk_chunks");
    for size in SIZES {
        let header = repeat_to("authjs.session-token.7=x; ", size);
        group.bench_with_input(BenchmarkId::from_parameter(size), &header, |b, h| {
            b.iter(|| black_box(parse_cookie_header([h.as_str()]).len()));
        });
    }
    group.finish();

    let mut group = c.benchmark_group("redirect");
    for size in SIZES {
        let url = format!("/{}", repeat_to("%2e%2e/%2F", size));
        group.bench_with_input(BenchmarkId::from_parameter(size), &url, |b, u| {
            b.iter(|| black_box(default_redirect(u, "https://app.example").ok()));
        });
    }
    group.finish();

    let codec = JwtCodec::new(["bench-secret"]).unwrap_or_else(|_| unreachable!());
    let mut group = c.benchmark_group("token_decode_garbage");
    for size in SIZES {
        let token = format!("eyJhbGciOiJkaXIifQ..{}", repeat_to("A.", size));
        group.bench_with_input(BenchmarkId::from_parameter(size), &token, |b, t| {
            b.iter(|| black_box(codec.decode(t, "authjs.session-token").is_err()));
        });
    }
    group.finish();

    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap_or_else(|_| unreachable!());
    let handler = AuthHandler::new(AuthConfig::new().secret("bench-secret").trust_host(true))
        .unwrap_or_else(|_| unreachable!());
    let mut group = c.benchmark_group("engine_form_body");
    for size in SIZES {
        let body = repeat_to("a=1&b=%41&", size);
        group.bench_with_input(BenchmarkId::from_parameter(size), &body, |b, body| {
            b.iter(|| {
                let request = http::Request::post("/auth/session")
                    .header("host", "app.test")
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(bytes::Bytes::from(body.clone()))
                    .unwrap_or_else(|_| unreachable!());
                black_box(runtime.block_on(handler.handle(request)).status())
            });
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(std::time::Duration::from_millis(500))
        .measurement_time(std::time::Duration::from_secs(2));
    targets = scaling
}
criterion_main!(benches);
