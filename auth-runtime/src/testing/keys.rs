//! RSA keys of the test identity provider, generated for these tests with `openssl genpkey`
//! (2048 bits). They sign test ID tokens only; they protect nothing.

/// `k1`: PKCS#1 DER, base64.
pub const K1_DER: &str = concat!(
    "MIIEowIBAAKCAQEAqZWXR+219/gH9JtAJ18MKvAFnG9o2M9TMFrKvPXbPPCtJ70IvZO7cTrLADBtH5lQBms3+1JS/lvYDrb2",
    "g1zcKIrbBXv2Ved8XvaIhU9mf6mewXK5Uysg3GE5gDn5qlS3t/zdUF+hgJXortskCwLJXt2Ff0A5B0wr7GxS1n3PzTuhSEMD",
    "W0emDhLuUaa8aZ3ESArGQtzZ0cF13rK7DzS2fguoc0DTSyV9Nr0wLxR6j1SzREcuS9gqlKpm7+DS0ZgCHhZNZKX8tpgg725L",
    "d29l8n+0ZpCCpV8QZZzxtPZSjywddv7VyBoNlFbK6viVKy0tvu6VLv1JXcC+Xf+nS/DA8QIDAQABAoIBABViT5k6WF/UXuxx",
    "Rz2vtpETgyGeytHMEuleCYKaXfLpRmxkYd3F6zTz/PUhJiF966Fjk8OVNfHtEumIGL2nz/ssx0GByCY88mnnHH/y6zHd6a7r",
    "EIN0RMiFWgLZTKo11JTWxfGEnZDhVl32NC1PRKU5ucO6DXbmHAPMBQYXB0URs0h+7eJ6IEa783NTlBDlD0HWBsI/Sf2V48Vm",
    "/PtLKT8rA0j7TEoYZZIE9g9rbjR6AAK3SoQjOmEuJ3qVVLVHths+g5fTAlSDfLnZ7LjD/PJRtVQxjaVhnntHWg7WOvypvG1C",
    "V50+hdzrhHd4DW+RuJ+4O4C9Zt1Nymlrbu9g04ECgYEA16uokxvf/xnndP0yPvn1XGimiEX4/KW9EBsksJN+u2ayZFkSYScp",
    "P/fvYOgBfNOSjQOHDvIrAHYEQ63uKZ8z54lDmHFJl35qeQ+nwn1hMyMX1aovGLLFxdOfO74W+JZ6bI5aIlMwfAikF09fX3aA",
    "idLMcSJ3g7ICFehE0YX+KiUCgYEAyUu+q65twy3IB5ofgYK0i1hprQDqbIKCvqFFG4MkHvQGqlQ3NEQOlqJZlCkKo4d2LUsu",
    "PbnmtIP92KPvtYHOERKSzgg4pG3GhgFF9a/vSqdM3k4iaP1HJIB2e4jUo3wkJqfAjczyZNTDQ0CCAqqKL+Wp2O3DvWiwSw41",
    "ABBNM90CgYEAoGQuGzF41XwLUUrX6lP0cIP3jZMUR7husaKuF4+piW8nrk87xvrbx5H4+YWxTYb/D1YXRDs/VblvFHIuk8+t",
    "Rz0jAyUFSOAgCOZmqdKazfAEUsec/O4+/Q+T9Vc6OCeY5lC7oZlijmvStO83i4RSta0Kk/zBCzUALhCt1XCkA+0CgYAi+Aaa",
    "moW052odb/fTLtqgbm6FQGh5Cz8dULTJr8GBoxDZXCHu8Xe7UV7Qb0TK3ch429ufm4DpkRhzHx+QX4lly90275Svc+aN9wCp",
    "SrP+OwwOfnJZ3M4UGED8+us9r140XOYFfDoLrC5zq2wqfGffJD2aUsuzRtGBaGlqpmpS/QKBgAisjvZvJmQ6kRH2nNsjHyV+",
    "9gA58mxLx13dYH0nFwevTtEUjx2ipNyE8CTEz9YUYZrCsaQYhiYqsZmiMtWhFDKnTxvR4deU+YB2oknpz+j+3J13FSmx0Pnc",
    "jz1ucABguPKo67JBLXQnpxJrKtuBf2gH9nKLcx7+frpNgNJU54Ze",
);

/// `k1`: the JWK modulus `n` (base64url); `e` is AQAB.
pub const K1_N: &str = concat!(
    "qZWXR-219_gH9JtAJ18MKvAFnG9o2M9TMFrKvPXbPPCtJ70IvZO7cTrLADBtH5lQBms3-1JS_lvYDrb2g1zcKIrbBXv2Ved8",
    "XvaIhU9mf6mewXK5Uysg3GE5gDn5qlS3t_zdUF-hgJXortskCwLJXt2Ff0A5B0wr7GxS1n3PzTuhSEMDW0emDhLuUaa8aZ3E",
    "SArGQtzZ0cF13rK7DzS2fguoc0DTSyV9Nr0wLxR6j1SzREcuS9gqlKpm7-DS0ZgCHhZNZKX8tpgg725Ld29l8n-0ZpCCpV8Q",
    "ZZzxtPZSjywddv7VyBoNlFbK6viVKy0tvu6VLv1JXcC-Xf-nS_DA8Q",
);

/// `k2`: PKCS#1 DER, base64.
pub const K2_DER: &str = concat!(
    "MIIEpAIBAAKCAQEA2oxuPy3YIR77i4btusiIrE+Nv3zJMR1owHxfDZMS7+vkH+35H61DU1rSxAD3cjoYk5N4FQamtkXpY/KG",
    "gBeRi4/0hBFRiytnQY5FUKwsO07HlQGAEUkQthFm3aJuKzjCc2QudX2/QKT5KHs47UWvi2vGT3SGFltIs3/jhPSDdqYhpurD",
    "svmhe1bFEz2qK+T6uu3HBqBgnGrPvcDKTUL3xsOOfmCoNVvLmjkzXCGuXaiuloGcChK9BKx+U4qqOk+bxU2RM3UTVBLK704N",
    "Gg6uNLNsYJKp9EtsYADVET1A2FnE1nbB6S5/FOiDDFtIUj2Ay/lCou0XvLxVWHBdcSYXqQIDAQABAoIBAB3N3+0SyfI+YOyW",
    "wo3h8i2Zjcmq8V8W1SXG8EmQIJmCkHJASGSnAtL3xF2Bij1UKezaRBqN9SdPYnREa05FqI4hXCW0nOu/SA4bIl3NlRyjcjli",
    "Yn44+iPyPJaGI8MWMwJ8i49vTik5Nldscod9JOL9GCbWy8B5w3DjRHppxBHmdnqXEbi46lS/15pdW2Sk3JZz/ai15YTlofdc",
    "FDFeR7RKOAmaIEXYtWYUNr9i+BSYJqFrDVZbfNUdHpNqiQY4lPgOwpb00T2WqstT8L5EwG67Fbg7FUWYen7AsLzC5MEP8Idt",
    "qtZd0J774v8Cf3x77nf/mI/Q7sC0GAjhRl0U98cCgYEA+nMtxZpkZRPqy7nDbBbWfBsSdjzjmPZBBGdJttWxQ3oKt3BEJDgd",
    "4iXJZB9hMl21egHmuiYPbQzcpjznHVtIZ/Dg+eXrMiyGd3fVPpKZYlmdJ3Hrkgjhxiyt0i0lr9OPhK725+6SncmkCuk++lPs",
    "Hu07/TXxGZKWS5v5+e7/S5MCgYEA32RF5hz5zR6tUFGztUC+qLFIr+DShyZwLMhdOVIeZfyb1/ZngenSel4ez6KsTlrUKfOq",
    "xapNNPCqsC/tglZhyBkeY/QWipjSKXJwMogLp2LbIvAXLMCkF+hx+Zym2rvQx1ckW2N/G7BzLD/iC0/s2HD2Og6MH81n4d2J",
    "YvfhbVMCgYEA9kL02d1TJFRuRf4V2x2lrwiLobmDbe+NxL+vKtl6YMgK6463YgnP0IOpQAre7sBX5m0iKx2rg2XnPIqcEjCk",
    "xJeFEBP0rTQ80BIDm3BY4+0L6zJIGSMkpVFfZU/BQ985upSz8SCUCBSyeYwZwdltToekufklZijOIfBv30MSwoMCgYAyRUJl",
    "kke0nR6rYHdsZnGBTMPqsFEwELpVmZFBAPXORZZcdxq75X50AxIz74uO5mmwNyFK8hQFwdLnayGrnvzKJrzsCVW5QsKoiRQu",
    "iub0eA6QQi805vUGXEypu1LhDjrhYP7RggZsmLySTJ31pbrKykDet79YuMST02LDXrzf+QKBgQCtQLwiwJRTm5e17gW17ABs",
    "KxO1sEMyHEAgSWsbrbm6KdDQLa28KveT2MJ4MGSiifQOKJP8i4DqJPLgC+KMYIwPOHp+5nSuxrvpJ6VdQzuk+cedlBDyB46L",
    "U3RKNEG/du9/cIM7lLBsf6QdEEiEE6SqZj8aVTi3Qe582MMr0+1K/g==",
);

/// `k2`: the JWK modulus `n` (base64url); `e` is AQAB.
pub const K2_N: &str = concat!(
    "2oxuPy3YIR77i4btusiIrE-Nv3zJMR1owHxfDZMS7-vkH-35H61DU1rSxAD3cjoYk5N4FQamtkXpY_KGgBeRi4_0hBFRiytn",
    "QY5FUKwsO07HlQGAEUkQthFm3aJuKzjCc2QudX2_QKT5KHs47UWvi2vGT3SGFltIs3_jhPSDdqYhpurDsvmhe1bFEz2qK-T6",
    "uu3HBqBgnGrPvcDKTUL3xsOOfmCoNVvLmjkzXCGuXaiuloGcChK9BKx-U4qqOk-bxU2RM3UTVBLK704NGg6uNLNsYJKp9Ets",
    "YADVET1A2FnE1nbB6S5_FOiDDFtIUj2Ay_lCou0XvLxVWHBdcSYXqQ",
);

/// `rogue`: PKCS#1 DER, base64.
pub const ROGUE_DER: &str = concat!(
    "MIIEpAIBAAKCAQEAj+J4d1k6oMB7nE4ZNmrZ9AfvgG26x7BFaEJMboSv48RqH2AJvJgR4B0WmCPZWY3vAevITrLrPM5uvMpz",
    "vTQMjoALyH3rSGwkm8dqt89Dbf6AyRG2J5868MulrJaTNC5OdVIcqOzMiIbXdkAnWa5S7ugECm4FU2Q6RljXlEy0+CkrBIiy",
    "++CQByuAHGBW3nDyLHm/mf3IMEUKSyuiQTK5JyvA2Fm3DXcLeKc7RGWbSOs9KRx3y4ic9gdtRsApf+S7jdlMOLpGoKoDAm7x",
    "iUvNIOEZr/EB+pGL+syPiePliLF/BhCpulLzBDpPkYYQbJ1SXqZq4EeGijgifl2OAJ0zAQIDAQABAoIBABUXzrA0YP9i6Fwc",
    "KN8M4AHBzg8GRwzyHuKvYXQMOJrL1wDde9/tbSVtLjxEeR8DSyf9cEJ1QT4LRzme9kOk5zhWtiOAribST7WUkOT8Wfa8ihWv",
    "5oO9eI8HU7TO6CqMpUzWqkPrXvqexeRceEhR4W+LjNgYk+hLN63LZWMksZz1d8ZDTJbb61xp+vy2rOojHjCdIj5rWJG5Gpt8",
    "JJ5BhhXczIxx8FJw8H8/4klZG+7s69X8JHH9ABBUR2fNAPnVcDi/ElazBSq9sn+m3ggp/gVl751VdxYFiOEJvfY2i/SeMVC2",
    "Zi5jHdlGJ3e3Ol3ZVpujpBbkJGg2fEyWAZh7MHcCgYEAwdjnA+5KtGcL/idw6Ydsaa1N7i0xacqASNJpVkhEdtBHL5XYrBSg",
    "cbM4/2BgtdV0hAevhja/PQPq6fTBJ+80ia5kYwfglD20Z97PW62aLgK6VkpmvWlsBYcdaF+ZBYg1nRtf8fOB5cmhV188D6op",
    "pGaLqVqGrWL3K3ZJLbmrMGMCgYEAvgSbVSwidlKI2snzgCFWuheCm34Mkn0DMQWupIhVuqzUK1U5HlwuLISoX82Zc+YZG/06",
    "Thr9aamm9WOZHksyuzow+ZxbWIQ3j7m1rueJipA8nM5nGPK1B3FIaBbJmSIDhmQLCWzaL1an0XGKhhEUDHuKtzkWR7zLCx7h",
    "W5Z5wksCgYEAtL58sLKYX1uR2BmIc4a89FAOUN08rKqPMNdYNoZNqAcNyPXMQK8+5qU4qQ2BPypXaOANrnQPnmGvwRNgos6s",
    "SxAbNCddJHvgYdVjvNTC5NHQUrMu1r+cZA8WwYIZmQnnC6VBscTeQpbdZC09QFHmYA7pfDAXUUXst06kbwkm8IcCgYBOm8lG",
    "6wM2v94t5O3/S8t9IMy/Vt4Mm/r+BMPC/UO5/lWnt5HxpWDUueyN9ZhOAhrRIWlFdpTvaWfQjGuDxMgv/FrWaIDBlbEGnGU0",
    "/kRANntcw2aTQ5Twh0TVCthLqW6b4jdOpuF8Q/UZCEeuPtJ0d4djVRKKiufUqenA4fdtEQKBgQCh+ThgoRilYYsz59F14Vvu",
    "2cXe4JXPXF7LKgZJLnPHAFQ99/WVNhOMoOsYcv2+OzRVhNJHLR83AIQh86g58vlcmuZgHuwiBngKWof+OZxOucPIJYlythhY",
    "qIwPIqb/2Yi8KdG2BeJrIbfE7OhyohPwI/XpTJIXiwMzGBYTFn0Hwg==",
);

/// `rogue`: the JWK modulus `n` (base64url); `e` is AQAB.
pub const ROGUE_N: &str = concat!(
    "j-J4d1k6oMB7nE4ZNmrZ9AfvgG26x7BFaEJMboSv48RqH2AJvJgR4B0WmCPZWY3vAevITrLrPM5uvMpzvTQMjoALyH3rSGwk",
    "m8dqt89Dbf6AyRG2J5868MulrJaTNC5OdVIcqOzMiIbXdkAnWa5S7ugECm4FU2Q6RljXlEy0-CkrBIiy--CQByuAHGBW3nDy",
    "LHm_mf3IMEUKSyuiQTK5JyvA2Fm3DXcLeKc7RGWbSOs9KRx3y4ic9gdtRsApf-S7jdlMOLpGoKoDAm7xiUvNIOEZr_EB-pGL",
    "-syPiePliLF_BhCpulLzBDpPkYYQbJ1SXqZq4EeGijgifl2OAJ0zAQ",
);

/// `e1`: a P-256 key (ES256), PKCS#8 DER, base64; generated with `openssl genpkey` for these
/// tests.
pub const E1_DER: &str = "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgA5DtQ0aYdkbrhYW7G2Xi+cOiAaAj9gzmD4ZkjoVDn1KhRANCAATaZdUBfcX8PmNPu6NukQXbKJr5/os6D2dFiQWwAWmIEYyjZYaQIrlChQiWpVcQAmBsWceVVu52cluyoSWwya2d";
/// `e1`'s public point.
pub const E1_X: &str = "2mXVAX3F_D5jT7ujbpEF2yia-f6LOg9nRYkFsAFpiBE";
/// `e1`'s public point.
pub const E1_Y: &str = "jKNlhpAiuUKFCJalVxACYGxZx5VW7nZyW7KhJbDJrZ0";

/// `e2`: another P-256 key, never published.
pub const E2_DER: &str = "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg26ka/B2l/t4vI14lolXRKoPSiC6RZYENxrvFIH80MWihRANCAASpVetsMKI3BrCWzAkvBReD1GLAUtTvqNN8/NRJa7C2Vu7KJmksSc1NDf74QKj1z6fHMzxJN2OluLc4xb14Uk43";
/// `e2`'s public point.
pub const E2_X: &str = "qVXrbDCiNwawlswJLwUXg9RiwFLU76jTfPzUSWuwtlY";
/// `e2`'s public point.
pub const E2_Y: &str = "7somaSxJzU0N_vhAqPXPp8czPEk3Y6W4tzjFvXhSTjc";
