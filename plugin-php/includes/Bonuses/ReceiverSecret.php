<?php
/**
 * The secret the service signs its events to this site with.
 *
 * @package Vafa
 */

namespace Vafa\Bonuses;

use Vafa\ApiClient;
use Vafa\ApiException;
use Vafa\Reconciler;
use Vafa\Settings;

defined( 'ABSPATH' ) || exit;

/**
 * Made here (32 random bytes, hex), stored with autoload off and never shown,
 * and given to the service with PUT /v1/admin/endpoints/plugin together with
 * the receiver's URL: on every connect (a new secret), and whenever the
 * reconciliation sync or the upgrade routine finds the receiver not
 * registered for the site's current address. A new secret is kept only once
 * the service has it, so a failed registration never breaks delivery with
 * the old one.
 */
final class ReceiverSecret {
	const HOOK = 'vafa_register_receiver';

	/**
	 * Hooks connect, the sync and the background retry.
	 */
	public static function register(): void {
		add_action(
			'vafa_connected',
			static function () {
				self::send( true );
			}
		);
		add_action( Reconciler::HOOK, array( self::class, 'ensure' ), 20 );
		add_action( self::HOOK, array( self::class, 'ensure' ) );
	}

	/**
	 * The current secret, or '' when none was registered.
	 */
	public static function get(): string {
		$s = get_option( Settings::EVENTS_SECRET, '' );
		return is_string( $s ) ? $s : '';
	}

	/**
	 * What the last registration did: url, at, error ('' when it worked).
	 *
	 * @return array{url:string,at:int,error:string}
	 */
	public static function state(): array {
		$s = get_option( Settings::EVENTS_RECEIVER );
		return array(
			'url'   => is_array( $s ) ? (string) ( $s['url'] ?? '' ) : '',
			'at'    => is_array( $s ) ? (int) ( $s['at'] ?? 0 ) : 0,
			'error' => is_array( $s ) ? (string) ( $s['error'] ?? '' ) : '',
		);
	}

	/**
	 * Registers the receiver unless it is registered for the current URL
	 * with a secret (the sync and the retry).
	 */
	public static function ensure(): void {
		$state = self::state();
		if ( '' !== self::get() && '' === $state['error'] && Receiver::url() === $state['url'] ) {
			return;
		}
		// A failure is recorded in the state and retried (here and by the next sync).
		self::send( '' === self::get() );
	}

	/**
	 * Queues a registration in the background (the upgrade routine).
	 */
	public static function queue(): void {
		if ( Settings::connected() && function_exists( 'as_enqueue_async_action' ) ) {
			as_enqueue_async_action( self::HOOK, array(), Reconciler::GROUP, true );
		}
	}

	/**
	 * Gives the service the receiver's URL and the secret.
	 *
	 * @param bool $rotate Make a new secret (always when there is none).
	 * @return bool Whether the service took it.
	 */
	public static function send( bool $rotate ): bool {
		$client = ApiClient::connected();
		if ( ! $client ) {
			return false;
		}
		$secret = self::get();
		if ( $rotate || '' === $secret ) {
			$secret = bin2hex( random_bytes( 32 ) );
		}
		$url = Receiver::url();
		$c   = Settings::connection();
		try {
			$client->as_user(
				'PUT',
				'/v1/admin/endpoints/plugin',
				(string) ( $c['user_id'] ?? '0' ),
				'admin',
				array(
					'url'    => $url,
					'secret' => $secret,
				),
				array( 'Idempotency-Key' => 'receiver-' . substr( hash( 'sha256', $url . '|' . $secret ), 0, 32 ) ),
				10.0
			);
		} catch ( ApiException $e ) {
			update_option(
				Settings::EVENTS_RECEIVER,
				array(
					'url'   => $url,
					'at'    => time(),
					'error' => $e->getMessage(),
				),
				false
			);
			if ( function_exists( 'as_schedule_single_action' ) && ! as_has_scheduled_action( self::HOOK, array(), Reconciler::GROUP ) ) {
				as_schedule_single_action( time() + 10 * MINUTE_IN_SECONDS, self::HOOK, array(), Reconciler::GROUP );
			}
			return false;
		}
		update_option( Settings::EVENTS_SECRET, $secret, false );
		update_option(
			Settings::EVENTS_RECEIVER,
			array(
				'url'   => $url,
				'at'    => time(),
				'error' => '',
			),
			false
		);
		return true;
	}
}
