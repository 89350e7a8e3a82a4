<?php
/**
 * The stored plugin version and its upgrade routine.
 *
 * @package Vafa
 */

namespace Vafa;

defined( 'ABSPATH' ) || exit;

/**
 * Like the WooCommerce Stripe gateway's install(): the version that last
 * ran is stored; when the code is newer, each upgrade step above the stored
 * version runs once, in order, then the new version is stored. Activation
 * runs the same routine.
 */
final class Install {
	/**
	 * Upgrade steps by the version that introduced them.
	 *
	 * @return array<string,callable>
	 */
	public static function steps(): array {
		return array(
			// 0.2.0: the program gained redemption settings; drop the cached copy so
			// the storefront reads them, and check the connection in the background.
			'0.2.0' => static function () {
				delete_transient( Program::TRANSIENT );
				delete_option( Settings::STATUS );
			},
			// 0.3.0: engagement. The table of received event ids, the survey
			// page's rewrite endpoint, and the event receiver registered with
			// the service for stores connected before (in the background).
			'0.3.0' => static function () {
				Bonuses\EventStore::create();
				add_rewrite_endpoint( Bonuses\Survey::ENDPOINT, EP_ROOT | EP_PAGES );
				flush_rewrite_rules();
				Bonuses\ReceiverSecret::queue();
			},
			// 0.3.1: what every page view reads is autoloaded (no query of its
			// own): the connection (now telling whether the key is stored), the
			// timeout, the birthday-at-checkout switch and the cached program.
			'0.3.1' => static function () {
				$c = Settings::connection();
				if ( array() !== $c ) {
					$c['has_key'] = '' !== Settings::private_key();
					Settings::autoload( Settings::OPTION, $c );
				}
				Settings::autoload( Settings::TIMEOUT, get_option( Settings::TIMEOUT, 1.5 ) );
				Settings::autoload( Settings::BIRTHDAY_CHECKOUT, get_option( Settings::BIRTHDAY_CHECKOUT, 'no' ) );
				delete_transient( Program::TRANSIENT );
				delete_option( Settings::PROGRAM_AT );
			},
			// 0.3.2: the outage memo is an autoloaded option (a transient, not
			// autoloaded, cost every storefront read a query). Shoppers' cached
			// figures are JSON now; older copies are still read.
			'0.3.2' => static function () {
				delete_transient( Settings::PREFIX . 'down' );
				add_option( Settings::DOWN_UNTIL, 0, '', 'yes' );
			},
		);
	}

	/**
	 * Runs pending upgrade steps when the stored version is older than the code.
	 */
	public static function maybe_upgrade(): void {
		$stored = (string) get_option( Settings::VERSION, '' );
		if ( '' !== $stored && version_compare( $stored, VAFA_VERSION, '>=' ) ) {
			return;
		}
		self::install();
	}

	/**
	 * Runs every step newer than the stored version and stores the current one.
	 */
	public static function install(): void {
		$stored = (string) get_option( Settings::VERSION, '0.0.0' );
		foreach ( self::steps() as $version => $step ) {
			if ( version_compare( $stored, $version, '<' ) && version_compare( $version, VAFA_VERSION, '<=' ) ) {
				$step();
			}
		}
		update_option( Settings::VERSION, VAFA_VERSION, true );
		do_action( 'vafa_installed', $stored, VAFA_VERSION );
	}
}
