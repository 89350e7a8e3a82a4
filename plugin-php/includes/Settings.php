<?php
/**
 * The plugin's stored connection and options.
 *
 * @package Vafa
 */

namespace Vafa;

defined( 'ABSPATH' ) || exit;

/**
 * Reads and writes the plugin's options. The private key is stored with
 * autoload off and is never echoed back to any page.
 */
final class Settings {
	const OPTION       = 'vafa_connection';
	const PRIVATE_KEY  = 'vafa_private_key';
	const WEBHOOKS     = 'vafa_webhook_ids';
	const TIMEOUT      = 'vafa_timeout';
	const CURSOR       = 'vafa_sync_cursor';
	const SYNC_RETRY   = 'vafa_sync_retry';
	const IMPORT       = 'vafa_import_progress';
	const PROGRAM_LAST = 'vafa_program_last';
	const PROGRAM_AT   = 'vafa_program_at';
	const SCHEDULED    = 'vafa_schedules_checked';
	const STATUS       = 'vafa_status';
	const VERSION      = 'vafa_version';

	/**
	 * The secret the service signs outbound events with (autoload off,
	 * never shown), and what the last registration of the receiver did.
	 */
	const EVENTS_SECRET   = 'vafa_events_secret';
	const EVENTS_RECEIVER = 'vafa_events_receiver';

	/**
	 * Whether the classic checkout asks for the birthday ('yes'/'no').
	 */
	const BIRTHDAY_CHECKOUT = 'vafa_birthday_checkout';

	/**
	 * Until when (unix time) the service is taken as down after an outage
	 * (ApiClient::down). Autoloaded, with 0 when there was none, so every
	 * storefront read asks it without a query.
	 */
	const DOWN_UNTIL = 'vafa_down_until';

	/**
	 * Prefix of every transient (the cached program before 0.3.1) and of
	 * every user meta key (the last good figures).
	 */
	const PREFIX = 'vafa_';

	/**
	 * Every Action Scheduler hook the plugin schedules (group "vafa").
	 */
	const SCHEDULED_HOOKS = array( 'vafa_reconcile', 'vafa_offer_claim', 'vafa_check_status', 'vafa_handle_event', 'vafa_prune_events', 'vafa_register_receiver', 'vafa_report_review', 'vafa_save_birthday' );

	/**
	 * Every option the plugin stores: uninstall and Disconnect use this list,
	 * so no option name is written twice.
	 *
	 * @return string[]
	 */
	public static function all_options(): array {
		return array( self::OPTION, self::PRIVATE_KEY, self::WEBHOOKS, self::TIMEOUT, self::CURSOR, self::SYNC_RETRY, self::IMPORT, self::PROGRAM_LAST, self::STATUS, self::VERSION, self::EVENTS_SECRET, self::EVENTS_RECEIVER, self::BIRTHDAY_CHECKOUT, self::PROGRAM_AT, self::SCHEDULED, self::DOWN_UNTIL );
	}

	/**
	 * Whether the service may be reached over plain http or on a loopback or
	 * private address (development only): the VAFA_ALLOW_INSECURE_SERVICE
	 * constant or the vafa_allow_insecure_service filter.
	 */
	public static function allow_insecure_service(): bool {
		$allowed = defined( 'VAFA_ALLOW_INSECURE_SERVICE' ) && VAFA_ALLOW_INSECURE_SERVICE;
		return (bool) apply_filters( 'vafa_allow_insecure_service', $allowed );
	}

	/**
	 * The connection: service_url, store_id, kid, webhook_url, connected_at.
	 *
	 * @return array<string,string>
	 */
	public static function connection(): array {
		$c = get_option( self::OPTION, array() );
		return is_array( $c ) ? $c : array();
	}

	/**
	 * Whether the store is connected to the service.
	 */
	public static function connected(): bool {
		$c = self::connection();
		// has_key, saved with the connection, spares every page view a read
		// of the key (an option not loaded with the others).
		return ! empty( $c['service_url'] ) && ! empty( $c['store_id'] ) && ! empty( $c['kid'] ) && ( ! empty( $c['has_key'] ) || '' !== self::private_key() );
	}

	/**
	 * Saves the connection and the private key (binary, 64 bytes).
	 *
	 * @param array<string,string> $connection Connection details.
	 * @param string               $private_key Ed25519 secret key as sodium makes it.
	 */
	public static function save_connection( array $connection, string $private_key ): void {
		// The connection is read on every page view: loaded with WordPress's
		// other autoloaded options, it costs no query. The key is read only
		// to sign a token.
		$connection['has_key'] = '' !== $private_key;
		self::autoload( self::OPTION, $connection );
		update_option( self::PRIVATE_KEY, base64_encode( $private_key ), false ); // phpcs:ignore WordPress.PHP.DiscouragedPHPFunctions.obfuscation_base64_encode -- binary key storage.
		self::autoload( self::DOWN_UNTIL, 0 );
		delete_option( self::SCHEDULED ); // schedule the background jobs on the next request
	}

	/**
	 * Stores an option loaded with WordPress's autoloaded ones (update_option
	 * keeps an existing row's autoload flag, so the row is replaced).
	 *
	 * @param string $name  Option name.
	 * @param mixed  $value Value.
	 */
	public static function autoload( string $name, $value ): void {
		delete_option( $name );
		add_option( $name, $value, '', 'yes' );
	}

	/**
	 * The Ed25519 secret key, or '' when not connected.
	 */
	public static function private_key(): string {
		$raw = get_option( self::PRIVATE_KEY, '' );
		if ( ! is_string( $raw ) || '' === $raw ) {
			return '';
		}
		$key = base64_decode( $raw, true ); // phpcs:ignore WordPress.PHP.DiscouragedPHPFunctions.obfuscation_base64_decode -- binary key storage.
		return ( false !== $key && SODIUM_CRYPTO_SIGN_SECRETKEYBYTES === strlen( $key ) ) ? $key : '';
	}

	/**
	 * Forgets the connection and the key.
	 */
	public static function forget(): void {
		foreach ( array( self::OPTION, self::PRIVATE_KEY, self::CURSOR, self::SYNC_RETRY, self::STATUS, self::PROGRAM_LAST, self::PROGRAM_AT, self::SCHEDULED, self::EVENTS_SECRET, self::EVENTS_RECEIVER ) as $option ) {
			delete_option( $option );
		}
	}

	/**
	 * Replaces the key pair (rotation): the new secret key and its kid.
	 *
	 * @param string $kid         Key id the service gave the new key.
	 * @param string $private_key Ed25519 secret key.
	 */
	public static function replace_key( string $kid, string $private_key ): void {
		$c        = self::connection();
		$c['kid'] = $kid;
		self::save_connection( $c, $private_key );
	}

	/**
	 * Seconds a storefront call to the service may take (default 1.5).
	 */
	public static function timeout(): float {
		$t = (float) get_option( self::TIMEOUT, 1.5 );
		return ( $t >= 0.2 && $t <= 10 ) ? $t : 1.5;
	}
}
