<?php
/**
 * The connection's health as the admin page shows it, checked in the background.
 *
 * @package Vafa
 */

namespace Vafa\Admin;

use Vafa\ApiClient;
use Vafa\ApiException;
use Vafa\Reconciler;
use Vafa\Settings;

defined( 'ABSPATH' ) || exit;

/**
 * The admin page never waits for the service: it shows the last result of a
 * check (made at connect, in the background when older than five minutes,
 * or on demand with "Check now").
 */
final class Status {
	const HOOK    = 'vafa_check_status';
	const MAX_AGE = 300;

	/**
	 * Hooks the background check.
	 */
	public static function register(): void {
		add_action( self::HOOK, array( self::class, 'check' ) );
	}

	/**
	 * The stored result: ok, message, at (0 when never checked).
	 *
	 * @return array{ok:bool,message:string,at:int}
	 */
	public static function get(): array {
		$s = get_option( Settings::STATUS );
		return array(
			'ok'      => is_array( $s ) && ! empty( $s['ok'] ),
			'message' => is_array( $s ) ? (string) ( $s['message'] ?? '' ) : '',
			'at'      => is_array( $s ) ? (int) ( $s['at'] ?? 0 ) : 0,
		);
	}

	/**
	 * Queues a background check when the stored one is old.
	 */
	public static function refresh_if_old(): void {
		if ( time() - self::get()['at'] > self::MAX_AGE && function_exists( 'as_enqueue_async_action' ) ) {
			as_enqueue_async_action( self::HOOK, array(), Reconciler::GROUP, true );
		}
	}

	/**
	 * Checks now: an admin call to the service with the stored key.
	 *
	 * @return array{ok:bool,message:string,at:int}
	 */
	public static function check(): array {
		$result = array(
			'ok'      => true,
			'message' => '',
			'at'      => time(),
		);
		$client = ApiClient::connected();
		try {
			if ( ! $client ) {
				throw new ApiException( __( 'Not connected.', 'vafa' ), 'invalid' );
			}
			$client->as_user( 'GET', '/v1/program', '0', 'admin', null, array(), 5.0 );
		} catch ( ApiException $e ) {
			$result['ok']      = false;
			$result['message'] = $e->getMessage();
		}
		update_option( Settings::STATUS, $result, false );
		return $result;
	}
}
