<?php
/**
 * Brings a new customer's earlier guest points to the account, proven by a
 * link sent to the e-mail address.
 *
 * @package Vafa
 */

namespace Vafa\Claims;

use Vafa\ApiClient;
use Vafa\ApiException;
use Vafa\Reconciler;
use Vafa\Storefront\Account;

defined( 'ABSPATH' ) || exit;

/**
 * WooCommerce does not verify e-mail addresses at sign-up, so registering
 * with an address proves nothing. When a new customer's address has guest
 * orders with points, the plugin asks the service for a one-time claim token
 * (in the background) and e-mails a link to that address; opening it while
 * signed in moves the points to the account.
 */
final class ClaimLink {
	const HOOK  = 'vafa_offer_claim';
	const PARAM = 'vafa_claim';

	/**
	 * Hooks registration, the background offer and the link.
	 */
	public static function register(): void {
		add_action( 'woocommerce_created_customer', array( self::class, 'queue' ), 10, 1 );
		add_action( self::HOOK, array( self::class, 'offer' ), 10, 1 );
		add_action( 'template_redirect', array( self::class, 'redeem_from_link' ) );
	}

	/**
	 * Queues the offer: never block a registration on the service.
	 *
	 * @param int $customer_id New customer's user id.
	 */
	public static function queue( $customer_id ): void {
		if ( function_exists( 'as_enqueue_async_action' ) ) {
			// One pending offer per customer. Action Scheduler's "unique" flag
			// would allow one per hook whatever the arguments, dropping a
			// second customer's offer while the first waits.
			$args = array( (int) $customer_id );
			if ( ! as_has_scheduled_action( self::HOOK, $args, Reconciler::GROUP ) ) {
				as_enqueue_async_action( self::HOOK, $args, Reconciler::GROUP );
			}
		}
	}

	/**
	 * Asks the service for a claim token and e-mails the link.
	 *
	 * @param int $customer_id Customer's user id.
	 * @return bool Whether an e-mail was sent.
	 * @throws ApiException When the service fails (Action Scheduler retries).
	 */
	public static function offer( $customer_id ): bool {
		$client = ApiClient::connected();
		$user   = get_user_by( 'id', (int) $customer_id );
		if ( ! $client || ! $user || ! is_email( $user->user_email ) ) {
			return false;
		}
		$answer = $client->as_user(
			'POST',
			'/v1/admin/claims',
			'0',
			'admin',
			array(
				'customer_id' => (string) $user->ID,
				'email'       => $user->user_email,
			),
			array(),
			15.0
		);
		if ( empty( $answer['token'] ) || ! is_string( $answer['token'] ) ) {
			return false;
		}
		$page = function_exists( 'wc_get_account_endpoint_url' ) ? wc_get_account_endpoint_url( Account::ENDPOINT ) : home_url( '/' );
		$link = add_query_arg( self::PARAM, rawurlencode( $answer['token'] ), $page );
		/* translators: %s: site name */
		$subject = sprintf( __( 'Your points from earlier orders at %s', 'vafa' ), wp_specialchars_decode( get_bloginfo( 'name' ), ENT_QUOTES ) );
		$message = sprintf(
			/* translators: 1: points, 2: link */
			__( "You have %1\$s points from orders you placed before creating your account.\n\nTo add them to your account, open this link while signed in:\n%2\$s\n\nIf you did not create an account, ignore this e-mail.", 'vafa' ),
			number_format_i18n( (int) ( $answer['points'] ?? 0 ) ),
			$link
		);
		return (bool) wp_mail( $user->user_email, $subject, $message );
	}

	/**
	 * On My Account with ?vafa_claim=TOKEN, signed in: claims and says how it went.
	 */
	public static function redeem_from_link(): void {
		if ( ! isset( $_GET[ self::PARAM ] ) || ! is_user_logged_in() ) { // phpcs:ignore WordPress.Security.NonceVerification.Recommended -- the token is the proof.
			return;
		}
		$token  = preg_replace( '/[^A-Za-z0-9]/', '', sanitize_text_field( wp_unslash( $_GET[ self::PARAM ] ) ) ); // phpcs:ignore WordPress.Security.NonceVerification.Recommended -- the token is the proof.
		$client = ApiClient::connected();
		if ( ! $client || '' === $token ) {
			return;
		}
		try {
			$answer = $client->as_user( 'POST', '/v1/me/claims', (string) get_current_user_id(), 'shopper', array( 'token' => $token ), array(), 10.0 );
			/* translators: %s: points */
			$message = sprintf( __( '%s points from your earlier orders were added to your account.', 'vafa' ), number_format_i18n( (int) ( $answer['points_moved'] ?? 0 ) ) );
			$type    = 'success';
			do_action( 'vafa_points_changed', get_current_user_id(), $answer['balance'] ?? array(), array() );
		} catch ( ApiException $e ) {
			$message = 409 === $e->status ? __( 'These points were already added to your account.', 'vafa' ) : __( 'This link is not valid for your account or has expired.', 'vafa' );
			$type    = 'error';
		}
		if ( function_exists( 'wc_add_notice' ) ) {
			wc_add_notice( $message, $type );
		}
		wp_safe_redirect( remove_query_arg( self::PARAM ) );
		exit;
	}
}
