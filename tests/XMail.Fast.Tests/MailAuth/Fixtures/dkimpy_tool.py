#!/usr/bin/python3
"""Signs or verifies a message (stdin) with Debian's python3-dkim (dkimpy), for XMail.Fast's interop tests.

  dkimpy_tool.py sign KEYFILE SELECTOR DOMAIN CANON ALGO   -> prints the DKIM-Signature field, then the message
  dkimpy_tool.py verify TXTFILE                             -> exit 0 when every signature verifies, 1 otherwise
CANON is e.g. relaxed/simple; ALGO rsa-sha256 or ed25519-sha256. TXTFILE holds the key record every
selector._domainkey lookup returns (no DNS is asked).
"""
import sys
import dkim

def main():
    msg = sys.stdin.buffer.read()
    if sys.argv[1] == "sign":
        keyfile, selector, domain, canon, algo = sys.argv[2:7]
        key = open(keyfile, "rb").read()
        h, b = canon.split("/")
        sig = dkim.sign(msg, selector.encode(), domain.encode(), key,
                        canonicalize=(h.encode(), b.encode()), signature_algorithm=algo.encode(),
                        include_headers=[b"from", b"to", b"subject", b"date", b"message-id"])
        sys.stdout.buffer.write(sig + msg)
        return 0
    record = open(sys.argv[2], "rb").read().strip()
    d = dkim.DKIM(msg, minkey=1024)
    count = len([l for l in msg.split(b"\r\n\r\n", 1)[0].split(b"\r\n") if l.lower().startswith(b"dkim-signature:")])
    ok = all(d.verify(idx=i, dnsfunc=lambda name, timeout=5: record) for i in range(count)) and count > 0
    print("verified" if ok else "failed", count)
    return 0 if ok else 1

sys.exit(main())
