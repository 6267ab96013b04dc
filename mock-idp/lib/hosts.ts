// Which host names are "this machine", for the real server's Host check (DNS rebinding) and for the
// redirect URIs a client without registered ones may use. No node: imports: the MSW handlers use it.

/** Lower-case host name without a trailing dot, as `URL.hostname` gives it (IPv6 in brackets). */
function bare(hostname: string): string {
  return hostname.toLowerCase().replace(/\.$/, '')
}

/**
 * Loopback: `127.0.0.0/8`, `[::1]`, `localhost` and `*.localhost` (RFC 6761 6.3: always this machine,
 * and browsers resolve them so). `hostname` is in the canonical form `URL` gives it.
 */
export function isLoopbackHostname(hostname: string): boolean {
  const name = bare(hostname)
  return (
    name === 'localhost' ||
    name.endsWith('.localhost') ||
    name === '[::1]' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name)
  )
}

/** An IP literal (IPv4 in canonical dotted form, or bracketed IPv6). */
export function isIpLiteral(hostname: string): boolean {
  return /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname) || hostname.startsWith('[')
}

// Host names: letters, digits, hyphens, dots; a leading dot in an allowlist entry means "and subdomains".
const NAME = /^\.?[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*\.?$/

/** Lower-cased allowlist entries; a TypeError names the option for anything that is not a host name. */
export function normalizeHostNames(names: readonly string[], option: string): string[] {
  if (!Array.isArray(names)) throw new TypeError(`"${option}" must be an array of host names`)
  return names.map((value: unknown) => {
    const name = typeof value === 'string' ? value.trim().toLowerCase() : ''
    if (!NAME.test(name))
      throw new TypeError(
        `"${option}" entries must be host names like idp.local or .example.test (no scheme, port or path), got ${JSON.stringify(value)}`,
      )
    return name.startsWith('.') ? `.${bare(name.slice(1))}` : bare(name)
  })
}

/**
 * A check of the `Host` header: IP literals (a rebinding attack needs a name it controls, so an
 * address cannot be one), loopback names, and `names` (exact, or `.suffix` for a domain and its
 * subdomains). The port is not compared: rebinding changes the name, not the port. A missing Host
 * is accepted, as only HTTP/1.0 clients omit it and browsers never do.
 */
export function createHostCheck(names: () => readonly string[]): (header: string | undefined) => boolean {
  return (header) => {
    if (header === undefined) return true
    if (!/^[a-z0-9._\-[\]:]+$/i.test(header)) return false
    let hostname: string
    try {
      hostname = bare(new URL(`http://${header}/`).hostname)
    } catch {
      return false
    }
    if (isIpLiteral(hostname) || isLoopbackHostname(hostname)) return true
    return names().some((name) =>
      name.startsWith('.') ? hostname === name.slice(1) || hostname.endsWith(name) : hostname === name,
    )
  }
}
