<?php
/**
 * The REST route the service delivers its events to.
 *
 * @package Vafa
 */

namespace Vafa\Bonuses;

use Vafa\Reconciler;
use Vafa\Settings;

defined( 'ABSPATH' ) || exit;

/**
 * POST /wp-json/vafa/v1/events: the service signs the raw body with the
 * secret the plugin registered (X-Vafa-Signature = base64 of HMAC-SHA256, as
 * WooCommerce signs its webhooks). A missing or wrong signature gets 401
 * before anything is read. An event is stored once by its id, answered 200 at
 * once, and handled by an Action Scheduler job: e-mails never hold up the
 * service's delivery, and a repeated delivery sends nothing.
 */
final class Receiver {
	const NAMESPACE   = 'vafa/v1';
	const ROUTE       = '/events';
	const HANDLE_HOOK = 'vafa_handle_event';
	const MAX_BYTES   = 65536;

	/**
	 * Hooks the route, the background handler and the daily pruning.
	 */
	public static function register(): void {
		add_action( 'rest_api_init', array( self::class, 'routes' ) );
		add_action( self::HANDLE_HOOK, array( self::class, 'handle' ), 10, 1 );
		add_action( EventStore::PRUNE_HOOK, array( EventStore::class, 'prune' ) );
	}

	/**
	 * Schedules the daily pruning unless it is (Schedules calls it).
	 */
	public static function schedule_pruning(): void {
		if ( ! as_has_scheduled_action( EventStore::PRUNE_HOOK, array(), Reconciler::GROUP ) ) {
			as_schedule_recurring_action( time() + HOUR_IN_SECONDS, DAY_IN_SECONDS, EventStore::PRUNE_HOOK, array(), Reconciler::GROUP, true );
		}
	}

	/**
	 * The receiver's address, as registered with the service.
	 */
	public static function url(): string {
		return rest_url( self::NAMESPACE . self::ROUTE );
	}

	/**
	 * Registers the route. The signature is its permission.
	 */
	public static function routes(): void {
		register_rest_route(
			self::NAMESPACE,
			self::ROUTE,
			array(
				'methods'             => 'POST',
				'callback'            => array( self::class, 'receive' ),
				'permission_callback' => array( self::class, 'verify' ),
			)
		);
	}

	/**
	 * Whether the signature matches the raw body, compared in constant time.
	 *
	 * @param string $body      Raw body.
	 * @param string $signature Header value.
	 * @param string $secret    Registered secret.
	 */
	public static function signed( string $body, string $signature, string $secret ): bool {
		if ( '' === $secret || '' === $signature ) {
			return false;
		}
		$expected = base64_encode( hash_hmac( 'sha256', $body, $secret, true ) ); // phpcs:ignore WordPress.PHP.DiscouragedPHPFunctions.obfuscation_base64_encode -- the signature's encoding.
		return hash_equals( $expected, trim( $signature ) );
	}

	/**
	 * Permission: a valid X-Vafa-Signature, else 401.
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return true|\WP_Error
	 */
	public static function verify( $request ) {
		$signature = (string) $request->get_header( 'x_vafa_signature' );
		if ( ! self::signed( (string) $request->get_body(), $signature, ReceiverSecret::get() ) ) {
			return new \WP_Error( 'vafa_bad_signature', 'invalid signature', array( 'status' => 401 ) );
		}
		return true;
	}

	/**
	 * Stores a verified event once and queues its handling.
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return \WP_REST_Response|\WP_Error
	 */
	public static function receive( $request ) {
		$body = (string) $request->get_body();
		if ( strlen( $body ) > self::MAX_BYTES ) {
			return new \WP_Error( 'vafa_too_large', 'event too large', array( 'status' => 413 ) );
		}
		$event = json_decode( $body, true );
		$id    = is_array( $event ) ? (int) ( $event['id'] ?? 0 ) : 0;
		$type  = is_array( $event ) ? (string) ( $event['type'] ?? '' ) : '';
		if ( $id <= 0 || ! preg_match( '/^[a-z][a-z0-9_.]{0,63}$/', $type ) ) {
			return new \WP_Error( 'vafa_bad_event', 'event without id or type', array( 'status' => 400 ) );
		}
		// An upgrade that has not run yet on an admin page must not lose events.
		if ( version_compare( (string) get_option( Settings::VERSION, '0' ), '0.3.0', '<' ) ) {
			EventStore::create();
		}
		if ( ! EventStore::claim( $id, $type, $body ) ) {
			return new \WP_REST_Response(
				array(
					'received'  => true,
					'duplicate' => true,
				),
				200
			);
		}
		if ( is_array( $event['customer'] ?? null ) ) {
			// The shopper's cached figures no longer hold: their next page asks.
			\Vafa\Storefront\Freshness::event_received( $event );
		}
		if ( function_exists( 'as_enqueue_async_action' ) ) {
			// Not "unique": Action Scheduler's uniqueness ignores the arguments
			// (one pending action per hook and group), which would drop every
			// event arriving while another waits. The id was claimed above, so
			// it is queued exactly once.
			as_enqueue_async_action( self::HANDLE_HOOK, array( $id ), Reconciler::GROUP );
		} else {
			// Without Action Scheduler (no WooCommerce) there are no e-mails to
			// send: other plugins hear of the event now.
			self::handle( $id );
		}
		return new \WP_REST_Response(
			array(
				'received'  => true,
				'duplicate' => false,
			),
			200
		);
	}

	/**
	 * Handles a stored event in the background: do_action( 'vafa_event',
	 * $event ) for anyone, then do_action( 'vafa_event_{type}', $event ) with
	 * dots as underscores (vafa_event_points_earned), which the e-mails and
	 * the reward codes listen to.
	 *
	 * @param int $id Event id.
	 */
	public static function handle( $id ): void {
		$body = EventStore::take( (int) $id );
		if ( null === $body ) {
			return;
		}
		$event = json_decode( $body, true );
		if ( ! is_array( $event ) ) {
			return;
		}
		if ( function_exists( 'WC' ) ) {
			WC()->mailer(); // Loads WC_Email and the plugin's e-mails, which hook the events.
		}
		/**
		 * A verified event from the service, delivered once.
		 *
		 * @param array<string,mixed> $event The event: id, type, created_at, customer, data.
		 */
		do_action( 'vafa_event', $event );
		do_action( 'vafa_event_' . str_replace( '.', '_', (string) $event['type'] ), $event );
	}
}
