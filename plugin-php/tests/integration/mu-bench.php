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
			update_option( \Vafa\Settings::DOWN_UNTIL, 0 );
			exit;
		},
		1
	);
}
if ( '' !== $vafa_bench && ! empty( $_SERVER['HTTP_X_VAFA_BENCH_PROFILE'] ) && class_exists( 'ExcimerProfiler' ) ) {
	// The plugin's own time in this page view: a wall-clock sampling profile
	// (Excimer, every 0.1 ms), counting the samples whose stack is in the
	// plugin (its files or the Vafa namespace; a service call's wait
	// included). The page's total varies by several milliseconds from view to
	// view on a small virtual machine; this share does not. One line per
	// view: "<label> <plugin ms> <page ms>", in wp-content/vafa-bench-profile.log
	// (the label is the X-Vafa-Bench-Profile header: warm or cold).
	$vafa_profiler = new ExcimerProfiler();
	$vafa_profiler->setPeriod( 0.0001 );
	$vafa_profiler->setEventType( EXCIMER_REAL );
	$vafa_profiler->start();
	$vafa_label = preg_replace( '/[^a-z]/', '', (string) $_SERVER['HTTP_X_VAFA_BENCH_PROFILE'] );
	register_shutdown_function(
		static function () use ( $vafa_profiler, $vafa_label ) {
			$vafa_profiler->stop();
			$dir  = (string) realpath( WP_CONTENT_DIR . '/plugins/vafa' );
			$all  = 0;
			$mine = 0;
			foreach ( $vafa_profiler->getLog() as $entry ) {
				$n    = $entry->getEventCount();
				$all += $n;
				foreach ( $entry->getTrace() as $frame ) {
					if ( ( '' !== $dir && 0 === strpos( (string) ( $frame['file'] ?? '' ), $dir . '/' ) ) || 0 === strpos( (string) ( $frame['class'] ?? '' ), 'Vafa\\' ) ) {
						$mine += $n;
						break;
					}
				}
			}
			file_put_contents( WP_CONTENT_DIR . '/vafa-bench-profile.log', sprintf( "%s %.2f %.2f\n", $vafa_label, $mine / 10, $all / 10 ), FILE_APPEND );
		}
	);
}
