-- Prosody 0.12 (Debian) as the suite's embedded target: loopback only, state under $TARGET_RUN_DIR,
-- nothing under /etc read. Started by targets/target.ts inside the lab (targets/lab/run.sh).
-- Environment: TARGET_RUN_DIR (required), TARGET_DOMAIN, TARGET_C2S_PORT, TARGET_S2S_PORT,
-- TARGET_C2S_TLS=required|optional, TARGET_PEER_DOMAINS (every domain the suite's peers play),
-- TARGET_REGISTRATION=true (in-band registration allowed), TARGET_CA_FILE (the lab's CA).
local R = assert(os.getenv("TARGET_RUN_DIR"), "TARGET_RUN_DIR is not set")
local domain = os.getenv("TARGET_DOMAIN") or "target.test"
local tls = os.getenv("TARGET_C2S_TLS") or "required"

run_as_root = true                 -- the lab runs as root; mod_posix refuses uid 0 otherwise
pidfile = R.."/prosody.pid"
data_path = R.."/data"
certificates = R.."/certs"

interfaces = { "127.0.0.1" }
c2s_ports = { tonumber(os.getenv("TARGET_C2S_PORT") or 5222) }
s2s_ports = { tonumber(os.getenv("TARGET_S2S_PORT") or 5269) }
c2s_direct_tls_ports = { }
s2s_direct_tls_ports = { }
http_ports = { }
https_ports = { }
use_ipv6 = false

local modules = {
  "disco"; "roster"; "saslauth"; "tls"; "dialback"; "ping"; "version"; "time"; "uptime"; "posix";
}
-- in-band registration (XEP-0077) only for the test of the suite's account provisioning
-- (TARGET_REGISTRATION=true); the conformance runs use accounts made by prosodyctl
if os.getenv("TARGET_REGISTRATION") == "true" then
  modules[#modules + 1] = "register"
  allow_registration = true
end
modules_enabled = modules
-- outgoing s2s finds the suite's peer domains as a production server does: SRV and A records, here
-- from the lab's DNS stub (/etc/resolv.conf inside the lab names it). DNS goes through libunbound
-- (lua-unbound, which Debian's prosody package recommends and Prosody's documentation recommends).
-- One unbound option only the lab needs: the peer domains are under .test, a special-use name
-- (RFC 6761) that unbound answers NXDOMAIN by itself unless the zone is made transparent.
unbound = { options = { ["local-zone:"] = "test. transparent" } }
modules_disabled = { "offline" }   -- no offline storage: a message to an absent user is not kept for later tests

authentication = "internal_hashed"
storage = "internal"

c2s_require_encryption = tls ~= "optional"
allow_unencrypted_plain_auth = tls == "optional"

-- s2s as Debian ships it: encryption required (the built-in default) and certificates checked
-- (Debian's s2s_secure_auth = true); the suite's peer domains have self-signed certificates, so
-- they are listed as Debian's own comment says to: dialback over TLS for them
s2s_require_encryption = true
s2s_secure_auth = true
local peer_domains = { }
for d in (os.getenv("TARGET_PEER_DOMAINS") or "peer.test peer2.test"):gmatch("%S+") do
  peer_domains[#peer_domains + 1] = d
end
s2s_insecure_domains = peer_domains
s2s_timeout = 15

-- no limits on how fast the suite may talk (mod_limits is not loaded; keep c2s unthrottled)
limits = { c2s = { rate = "10mb/s" }; s2sin = { rate = "10mb/s" } }

log = {
  { levels = { min = "debug" }, to = "file", filename = R.."/prosody-debug.log" };
  { levels = { min = "warn" }, to = "console" };
}

-- certificates of other servers are checked against the system's CAs and the lab's (Prosody's
-- documentation: cafile beside the default capath), as a deployment trusts the public CAs
local cafile = os.getenv("TARGET_CA_FILE")
if cafile == "" then cafile = nil end

VirtualHost (domain)
  ssl = { key = R.."/certs/"..domain..".key"; certificate = R.."/certs/"..domain..".crt"; cafile = cafile; }

-- a second hostname, for dialback requests piggybacked on a validated connection (RFC 3920 8.3)
local other = os.getenv("TARGET_OTHER_DOMAIN")
if other and other ~= "" then
  VirtualHost (other)
    ssl = { key = R.."/certs/"..other..".key"; certificate = R.."/certs/"..other..".crt"; cafile = cafile; }
end
