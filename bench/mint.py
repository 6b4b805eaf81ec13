#!/usr/bin/env python3
"""Mints HS256 tokens for the benchmarks: mint.py SECRET ROLE PREFIX COUNT -> one token per line."""
import base64, hashlib, hmac, json, sys, time

def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

secret, role, prefix, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
header = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
for i in range(1, count + 1):
    claims = {"sub": f"{prefix}{i}", "role": role, "name": f"bench {i}", "exp": int(time.time()) + 7200}
    signing_input = header + "." + b64(json.dumps(claims).encode())
    signature = hmac.new(secret.encode(), signing_input.encode(), hashlib.sha256).digest()
    print(signing_input + "." + b64(signature))
