//! Who the client is, behind a proxy: the address it connected from and whether it came over
//! HTTPS. A proxy (the nginx edge, an ingress controller) says so in `X-Forwarded-For` and
//! `X-Forwarded-Proto`, but anyone can send those headers: they are believed only from the
//! configured proxy addresses (`--trusted-proxies`), never from anyone else.

use ipnet::IpNet;
use std::net::IpAddr;
use std::str::FromStr;

/// The addresses whose `X-Forwarded-*` headers are believed; none by default.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

/// A `--trusted-proxies` entry that is neither an address nor a CIDR block.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{0:?} is not an IP address or a CIDR block (e.g. 10.0.0.0/8)")]
pub struct BadProxy(String);

impl FromStr for TrustedProxies {
    type Err = BadProxy;

    /// `10.0.0.0/8,172.16.0.0/12,127.0.0.1`: addresses and blocks, comma-separated.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let entries = text.split(',').map(str::trim).filter(|e| !e.is_empty());
        let nets = entries
            .map(|entry| {
                entry
                    .parse::<IpNet>()
                    .or_else(|_| entry.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| BadProxy(entry.to_owned()))
            })
            .collect::<Result<_, _>>()?;
        Ok(Self(nets))
    }
}

/// The client of a request, as far as it can be known.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Client {
    /// Its address: the peer's, or what trusted proxies say was before them.
    pub addr: IpAddr,
    /// Whether it reached the edge over HTTPS.
    pub https: bool,
}

impl TrustedProxies {
    /// Whether `addr` is one of the proxies.
    pub fn trusts(&self, addr: IpAddr) -> bool {
        let addr = canonical(addr);
        self.0.iter().any(|net| net.contains(&addr))
    }

    /// The client of a request that came from `peer` with `headers`. From a trusted proxy, the
    /// client is the last address in `X-Forwarded-For` that is not a trusted proxy itself (the
    /// addresses before it were written by the client and prove nothing), and its scheme is
    /// `X-Forwarded-Proto`'s; from anyone else, the headers are ignored.
    pub fn client(&self, peer: IpAddr, headers: &http::HeaderMap) -> Client {
        let peer = canonical(peer);
        if !self.trusts(peer) {
            return Client { addr: peer, https: false };
        }
        let forwarded = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(|a| a.trim().parse::<IpAddr>().map(canonical))
            .collect::<Vec<_>>();
        let mut addr = peer;
        for hop in forwarded.iter().rev() {
            match hop {
                Ok(hop) if self.trusts(*hop) => addr = *hop,
                Ok(hop) => {
                    addr = *hop;
                    break;
                }
                // A hop that is not an address: nothing before it can be believed.
                Err(_) => break,
            }
        }
        let https = headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .is_some_and(|proto| proto.trim().eq_ignore_ascii_case("https"));
        Client { addr, https }
    }
}

/// An IPv4 address seen as IPv6 (`::ffff:10.0.0.1`) is the IPv4 address.
fn canonical(addr: IpAddr) -> IpAddr {
    match addr {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(addr, IpAddr::V4),
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> http::HeaderMap {
        pairs.iter().map(|(k, v)| (http::HeaderName::from_static(k), v.parse().unwrap())).collect()
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn parses_addresses_and_blocks() {
        let proxies: TrustedProxies = "10.0.0.0/8, 127.0.0.1,::1".parse().unwrap();
        assert!(
            proxies.trusts(ip("10.1.2.3")) && proxies.trusts(ip("127.0.0.1")) && proxies.trusts(ip("::1"))
        );
        assert!(proxies.trusts(ip("::ffff:10.9.9.9")), "an IPv4 peer seen as IPv6");
        assert!(!proxies.trusts(ip("192.168.1.1")));
        assert_eq!("".parse::<TrustedProxies>(), Ok(TrustedProxies::default()));
        assert!("10.0.0.0/33".parse::<TrustedProxies>().is_err());
        assert!("proxy.example".parse::<TrustedProxies>().is_err());
    }

    #[test]
    fn forwarded_headers_count_only_from_trusted_proxies() {
        let proxies: TrustedProxies = "10.0.0.0/8".parse().unwrap();
        let forged = headers(&[("x-forwarded-for", "1.2.3.4"), ("x-forwarded-proto", "https")]);
        // Straight from the internet: the headers are the client's own words.
        assert_eq!(
            proxies.client(ip("203.0.113.9"), &forged),
            Client { addr: ip("203.0.113.9"), https: false }
        );
        // Through the edge: the edge's word is taken.
        assert_eq!(proxies.client(ip("10.0.0.2"), &forged), Client { addr: ip("1.2.3.4"), https: true });
        // The client's own X-Forwarded-For before the edge's entry proves nothing; proxies in
        // between are passed over.
        let chained =
            headers(&[("x-forwarded-for", "6.6.6.6, 198.51.100.7, 10.0.0.5"), ("x-forwarded-proto", "http")]);
        assert_eq!(
            proxies.client(ip("10.0.0.2"), &chained),
            Client { addr: ip("198.51.100.7"), https: false }
        );
        // Nothing forwarded: the proxy itself.
        assert_eq!(
            proxies.client(ip("10.0.0.2"), &headers(&[])),
            Client { addr: ip("10.0.0.2"), https: false }
        );
        // Nobody trusted: never the headers.
        let nobody = TrustedProxies::default();
        assert_eq!(nobody.client(ip("10.0.0.2"), &forged), Client { addr: ip("10.0.0.2"), https: false });
    }
}
