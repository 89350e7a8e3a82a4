<?php
/**
 * Test-only must-use plugin for the storefront benchmark (scripts/
 * storefront-bench.sh): with the test secret, a request can run without the
 * Vafa plugin (X-Vafa-Bench: off), so pages with and without it are timed
 * on the same site in interleaved requests, or drop the shopper's cached
 * figures before a cold view (X-Vafa-Bench: forget). Installed only into the
 * throwaway benchmark site.
 *
 * @package Vafa
 */

// phpcs:ignoreFile -- test tooling.
$vafa_bench = ( defined( 'VAFA_TEST_LOGIN_SECRET' ) && hash_equals( VAFA_TEST_LOGIN_SECRET, (string) ( $_GET['vafa_test_login'] ?? '' ) ) )
	? (string) ( $_SERVER['HTTP_X_VAFA_BENCH'] ?? '' ) : '';
if ( 'off' === $vafa_bench ) {
	add_filter(
		'option_active_plugins',
		static function ( $plugins ) {
			return array_values( array_diff( (array) $plugins, array( 'vafa/vafa.php' ) ) );
		}
	);
}
if ( 'forget' === $vafa_bench ) {
	// An untimed request before a cold view: the shopper's own cached figures
	// become stale, and the "service is down" memo goes, which is what a
	// first visit, or a visit after the cache's minute, finds. Done apart so
	// the cold view's time is the plugin's, not this write's.
	add_action(
		'plugins_loaded',
		static function () {
			$user = (int) ( $_GET['vafa_test_user'] ?? 0 );
			foreach ( array( \Vafa\Storefront\View::SUMMARY, '/v1/me/rewards', '/v1/me/tier' ) as $path ) {
				\Vafa\ApiClient::forget_cached( $user, $path );
			}
			delete_transient( \Vafa\Settings::PREFIX . 'down' );
			exit;
		},
		1
	);
}
