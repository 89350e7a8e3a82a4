<?php
/**
 * The landing notice for a visitor who arrived with a friend's code.
 *
 * @package Vafa
 */

namespace Vafa\Referrals;

use Vafa\ApiException;
use Vafa\Format;
use Vafa\Storefront\View;

defined( 'ABSPATH' ) || exit;

/**
 * A small script on every front-end page: when the address carries
 * ?ref=CODE it sets the referral cookie (cached pages never run PHP) and
 * asks this plugin's REST route whether the code is valid and what the
 * friend gets, then shows a dismissible notice. The page itself stays the
 * same for every visitor, so page caches keep working.
 */
final class Landing {
	/**
	 * Registers the route and the script.
	 */
	public static function register(): void {
		add_action( 'rest_api_init', array( self::class, 'route' ) );
		add_action( 'wp_enqueue_scripts', array( self::class, 'script' ) );
	}

	/**
	 * GET /wp-json/vafa/v1/referral/{code}.
	 */
	public static function route(): void {
		register_rest_route(
			'vafa/v1',
			'/referral/(?P<code>[A-Za-z0-9]{6,16})',
			array(
				'methods'             => 'GET',
				'callback'            => array( self::class, 'check' ),
				'permission_callback' => '__return_true', // public: it says nothing about the referrer
			)
		);
	}

	/**
	 * Whether the code is valid and the notice's text.
	 *
	 * @param \WP_REST_Request $request The request.
	 */
	public static function check( $request ): \WP_REST_Response {
		$code = Cookie::code( (string) $request['code'] );
		$out  = array(
			'valid'   => false,
			'message' => '',
			// The notice's button: asked only when a link carries a code, so
			// the script on every page needs no translation of its own.
			'dismiss' => __( 'Dismiss', 'vafa' ),
		);
		$client = View::client();
		if ( null === $code || ! $client ) {
			return new \WP_REST_Response( $out );
		}
		// A code's answer is the same for everyone: cached ten minutes per code.
		$key    = \Vafa\Settings::PREFIX . 'ref_' . $code;
		$answer = get_transient( $key );
		if ( ! is_array( $answer ) ) {
			try {
				$answer = $client->as_user( 'GET', '/v1/referrals/' . $code, '0', 'shopper', null, array(), 3.0 );
				set_transient( $key, $answer, 10 * MINUTE_IN_SECONDS );
			} catch ( ApiException $e ) {
				return new \WP_REST_Response( $out );
			}
		}
		if ( ! empty( $answer['valid'] ) ) {
			$points         = (int) ( $answer['welcome_points'] ?? 0 );
			$out['valid']   = true;
			$out['message'] = $points > 0
				/* translators: %s: welcome points */
				? sprintf( __( 'Welcome! A friend invited you: your first order earns you %s bonus points.', 'vafa' ), Format::points( $points, determine_locale() ) )
				: __( 'Welcome! A friend invited you.', 'vafa' );
		}
		return new \WP_REST_Response( $out );
	}

	/**
	 * The landing script, on front-end pages.
	 */
	public static function script(): void {
		// A logged-in shopper's pages are never served from a page cache, so
		// PHP sees the link: without a code there is nothing for the script.
		if ( is_user_logged_in() && ! isset( $_GET['ref'] ) ) { // phpcs:ignore WordPress.Security.NonceVerification.Recommended -- only whether a link carries a code.
			return;
		}
		$asset = VAFA_DIR . '/assets/build/referral-landing.asset.php';
		$meta  = is_readable( $asset ) ? require $asset : array(
			'dependencies' => array(),
			'version'      => VAFA_VERSION,
		);
		wp_enqueue_script( 'vafa-referral-landing', plugins_url( 'assets/build/referral-landing.js', VAFA_FILE ), $meta['dependencies'], $meta['version'], true );
		wp_localize_script(
			'vafa-referral-landing',
			'vafaReferral',
			array(
				'route'   => esc_url_raw( rest_url( 'vafa/v1/referral/' ) ),
				'cookie'  => Cookie::NAME,
				'days'    => Cookie::days(),
				'secure'  => is_ssl(),
				'rtl'     => Format::is_rtl( determine_locale() ),
			)
		);
	}
}
