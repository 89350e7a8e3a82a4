<?php
/**
 * Test-only must-use plugin for the integration test site: lets the test
 * (and headless Chromium) view a page as a given user and locale with a
 * secret query parameter. Installed only into the throwaway test site.
 *
 * @package Vafa
 */

// phpcs:ignoreFile -- test tooling.
add_action(
	'plugins_loaded',
	static function () {
		if ( ! defined( 'VAFA_TEST_LOGIN_SECRET' ) || empty( $_GET['vafa_test_login'] ) ) {
			return;
		}
		if ( ! hash_equals( VAFA_TEST_LOGIN_SECRET, (string) $_GET['vafa_test_login'] ) ) {
			return;
		}
		wp_set_current_user( (int) ( $_GET['vafa_test_user'] ?? 0 ) );
		// A real login cookie for a browser: its later requests (the blocks'
		// Store API calls) are then the user's without the secret.
		if ( ! empty( $_GET['vafa_test_auth'] ) ) {
			wp_set_auth_cookie( (int) ( $_GET['vafa_test_user'] ?? 0 ) );
		}
	},
	0
);
add_filter(
	'locale',
	static function ( $locale ) {
		// From the query, or from a cookie for a browser's later requests.
		$want = $_GET['vafa_test_locale'] ?? $_COOKIE['vafa_test_locale'] ?? '';
		return '' !== $want ? preg_replace( '/[^a-zA-Z_]/', '', (string) $want ) : $locale;
	}
);
// Debian's WordPress ships no core translations; with them installed, Persian
// and Arabic switch the text direction. Do the same for the test site.
add_action(
	'init',
	static function () {
		global $wp_locale;
		if ( $wp_locale && preg_match( '/^(fa|ar)/', get_locale() ) ) {
			$wp_locale->text_direction = 'rtl';
		}
	},
	0
);
// The test machine has no mail server; WooCommerce's order e-mails go nowhere.
add_filter( 'pre_wp_mail', '__return_false' );
// Every HTTP call a page view makes, one line each, for the test to count
// the service calls a page makes and see which way they went (WordPress's
// HTTP API, or the plugin's early call): "<transport>|<status or error>|<url>".
add_action(
	'http_api_debug',
	static function ( $response, $context, $class, $args, $url ) {
		$status = is_wp_error( $response ) ? 'error' : (string) wp_remote_retrieve_response_code( $response );
		file_put_contents( WP_CONTENT_DIR . '/vafa-test-http.log', $class . '|' . $status . '|' . $url . "\n", FILE_APPEND );
	},
	10,
	5
);
