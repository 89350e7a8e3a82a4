<?php
/**
 * My Account > Feedback: the survey after a completed order.
 *
 * @package Vafa
 */

namespace Vafa\Bonuses;

use Vafa\ApiClient;
use Vafa\ApiException;
use Vafa\Format;
use Vafa\Program;
use Vafa\Rewards\Codes;
use Vafa\Storefront\NoCache;
use Vafa\Templates;

defined( 'ABSPATH' ) || exit;

/**
 * A WooCommerce account endpoint listing the shopper's completed orders of
 * the last 90 days (GET /v1/me/surveys) with a form for each one not rated
 * yet: a rating from 1 to 5, a comment and the store's own question. The
 * answer goes to POST /v1/me/surveys; the page says what it earned. The
 * survey e-mail links here with the order id as the endpoint's value.
 */
final class Survey {
	const ENDPOINT = 'vafa-survey';
	const MAX_TEXT = 2000;

	/**
	 * Registers the endpoint, menu item, content and form handler.
	 */
	public static function register(): void {
		add_action(
			'init',
			static function () {
				add_rewrite_endpoint( self::ENDPOINT, EP_ROOT | EP_PAGES );
			}
		);
		add_filter(
			'woocommerce_get_query_vars',
			static function ( $vars ) {
				$vars[ self::ENDPOINT ] = self::ENDPOINT;
				return $vars;
			}
		);
		add_filter(
			'woocommerce_account_menu_items',
			static function ( $items ) {
				$logout = $items['customer-logout'] ?? null;
				unset( $items['customer-logout'] );
				$items[ self::ENDPOINT ] = __( 'Feedback', 'vafa' );
				if ( null !== $logout ) {
					$items['customer-logout'] = $logout;
				}
				return $items;
			}
		);
		add_filter(
			'woocommerce_endpoint_' . self::ENDPOINT . '_title',
			static function () {
				return __( 'Rate your orders', 'vafa' );
			}
		);
		add_action( 'woocommerce_account_' . self::ENDPOINT . '_endpoint', array( self::class, 'render' ) );
		add_action( 'template_redirect', array( self::class, 'handle' ) );
	}

	/**
	 * The survey page, opened at an order's form when $order_id is given.
	 *
	 * @param int $order_id Order id (0 for the list).
	 */
	public static function url( int $order_id = 0 ): string {
		if ( ! function_exists( 'wc_get_endpoint_url' ) ) {
			return home_url( '/' );
		}
		$url = wc_get_endpoint_url( self::ENDPOINT, $order_id > 0 ? (string) $order_id : '', wc_get_page_permalink( 'myaccount' ) );
		return $order_id > 0 ? $url . '#vafa-survey-' . $order_id : $url;
	}

	/**
	 * Prints the page.
	 *
	 * @param string $value The endpoint's value: an order id from the e-mail's link.
	 */
	public static function render( $value = '' ): void {
		NoCache::mark();
		$user   = get_current_user_id();
		$client = ApiClient::connected();
		$page   = null;
		if ( $user && $client ) {
			try {
				$page = $client->as_user( 'GET', '/v1/me/surveys', (string) $user, 'shopper' );
			} catch ( ApiException $e ) {
				$page = null;
			}
		}
		if ( null === $page ) {
			echo Templates::render( 'storefront/unavailable.php' ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- the template escapes.
			return;
		}
		echo Templates::render( // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- the template escapes.
			'myaccount/survey.php',
			array(
				'surveys'  => array_values( array_filter( (array) ( $page['surveys'] ?? array() ), 'is_array' ) ),
				'question' => (string) ( $page['question'] ?? '' ),
				'points'   => (int) ( $page['points'] ?? 0 ),
				'reward'   => ! empty( $page['reward_id'] ),
				'selected' => absint( $value ),
				'locale'   => determine_locale(),
				'action'   => self::url(),
			)
		);
	}

	/**
	 * The nonce action of one order's form.
	 *
	 * @param int $order_id Order id.
	 */
	public static function nonce_action( int $order_id ): string {
		return 'vafa_survey_' . $order_id;
	}

	/**
	 * Handles a posted answer: sends it, says what it earned, and redirects
	 * back to the page (so a reload never posts it again).
	 */
	public static function handle(): void {
		if ( ! isset( $_POST['vafa_survey_order'] ) || ! is_user_logged_in() ) {
			return;
		}
		$order = absint( wp_unslash( $_POST['vafa_survey_order'] ) );
		$nonce = isset( $_POST['vafa_survey_nonce'] ) ? sanitize_text_field( wp_unslash( $_POST['vafa_survey_nonce'] ) ) : '';
		if ( ! wp_verify_nonce( $nonce, self::nonce_action( $order ) ) ) {
			wc_add_notice( __( 'Your session has expired. Please send your answer again.', 'vafa' ), 'error' );
			wp_safe_redirect( self::url( $order ) );
			exit;
		}
		$rating  = absint( wp_unslash( $_POST['vafa_rating'] ?? 0 ) );
		$comment = mb_substr( sanitize_textarea_field( wp_unslash( $_POST['vafa_comment'] ?? '' ) ), 0, self::MAX_TEXT );
		$answer  = mb_substr( sanitize_textarea_field( wp_unslash( $_POST['vafa_answer'] ?? '' ) ), 0, self::MAX_TEXT );
		if ( $rating < 1 || $rating > 5 ) {
			wc_add_notice( __( 'Choose a rating from 1 to 5 stars.', 'vafa' ), 'error' );
			wp_safe_redirect( self::url( $order ) );
			exit;
		}
		$user   = get_current_user_id();
		$client = ApiClient::connected();
		try {
			if ( ! $client ) {
				throw new ApiException( __( 'Rewards are temporarily unavailable.', 'vafa' ), 'unreachable' );
			}
			$result = $client->as_user(
				'POST',
				'/v1/me/surveys',
				(string) $user,
				'shopper',
				array(
					'order_id' => $order,
					'rating'   => $rating,
					'comment'  => $comment,
					'answer'   => $answer,
				),
				array( 'Idempotency-Key' => 'survey-' . $user . '-' . $order ),
				10.0
			);
			wc_add_notice( self::thanks( $result ), 'success' );
			if ( is_array( $result['redemption'] ?? null ) && ! empty( $result['redemption']['code'] ) && null === Codes::get( (string) $result['redemption']['code'] ) ) {
				Codes::remember( $result['redemption'], $user, (int) ( Program::get()['currency_exponent'] ?? 2 ) );
			}
			/**
			 * After a shopper answered an order's survey.
			 *
			 * @param int                 $user   WordPress user id.
			 * @param int                 $order  Order id.
			 * @param array<string,mixed> $result The service's answer: rating, points, redemption.
			 */
			do_action( 'vafa_survey_answered', $user, $order, $result );
		} catch ( ApiException $e ) {
			wc_add_notice( self::error( $e ), 'error' );
		}
		wp_safe_redirect( self::url() );
		exit;
	}

	/**
	 * The thank-you line for an answer.
	 *
	 * @param array<string,mixed> $result The service's answer.
	 */
	private static function thanks( array $result ): string {
		$locale = determine_locale();
		$points = (int) ( $result['points'] ?? 0 );
		$code   = is_array( $result['redemption'] ?? null ) ? (string) ( $result['redemption']['code'] ?? '' ) : '';
		if ( $points > 0 ) {
			/* translators: %s: points */
			return sprintf( __( 'Thank you for your feedback! %s points were added to your account.', 'vafa' ), Format::points( $points, $locale ) );
		}
		if ( '' !== $code ) {
			/* translators: %s: reward code */
			return sprintf( __( 'Thank you for your feedback! Your reward code is %s; it is also listed under Rewards.', 'vafa' ), $code );
		}
		return __( 'Thank you for your feedback!', 'vafa' );
	}

	/**
	 * A failure as the shopper reads it.
	 *
	 * @param ApiException $e The failure.
	 */
	private static function error( ApiException $e ): string {
		if ( 409 === $e->status ) {
			return __( 'You have already rated this order. Thank you!', 'vafa' );
		}
		if ( 404 === $e->status ) {
			return __( 'This order cannot be rated: only your completed orders of the last 90 days can.', 'vafa' );
		}
		if ( 400 === $e->status || 422 === $e->status ) {
			return __( 'Your answer could not be accepted. Choose a rating from 1 to 5 stars and keep the texts short.', 'vafa' );
		}
		return __( 'Your answer could not be sent right now. Please try again in a moment.', 'vafa' );
	}
}
