<?php
/**
 * Test-only full-page cache drop-in (wp-content/advanced-cache.php, loaded
 * when WP_CACHE is on): stores every GET page by path and query, ignoring who
 * is signed in and the response's Cache-Control (the worst case: WordPress
 * already sends no-cache headers to signed-in users, which such caches
 * ignore), and honours only the DONOTCACHEPAGE constant, as WP Super Cache
 * and W3 Total Cache do. Marks cache hits with "X-Test-Cache: hit".
 *
 * @package Vafa
 */

// phpcs:ignoreFile -- test tooling.
if ( 'GET' !== ( $_SERVER['REQUEST_METHOD'] ?? '' ) ) {
	return;
}
$vafa_query = $_GET;
unset( $vafa_query['vafa_test_login'], $vafa_query['vafa_test_user'], $vafa_query['vafa_test_locale'] );
ksort( $vafa_query );
$vafa_cache_file = dirname( __DIR__, 2 ) . '/page-cache/' . md5( strtok( $_SERVER['REQUEST_URI'], '?' ) . '?' . http_build_query( $vafa_query ) ) . '.html';
if ( is_readable( $vafa_cache_file ) ) {
	header( 'X-Test-Cache: hit' );
	readfile( $vafa_cache_file );
	exit;
}
ob_start(
	static function ( $html ) use ( $vafa_cache_file ) {
		$no_cache = defined( 'DONOTCACHEPAGE' ) && DONOTCACHEPAGE;
		if ( ! $no_cache && 200 === http_response_code() && '' !== $html ) {
			file_put_contents( $vafa_cache_file, $html );
		}
		return $html;
	}
);
