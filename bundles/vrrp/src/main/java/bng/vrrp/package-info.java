/**
 * Module {@code vrrp}: VRRP (RFC 3768, or RFC 5798 with {@code set vrrpversion 3}) master/backup
 * election per {@code vrrp { ... }}, tracking of interfaces and the gateway, and bngsync session
 * replication. It drives core's {@code Mastership}; core and arp do the rest.
 */
package bng.vrrp;
