<?php
/**
 * Bootstrap for the plugin's unit tests: the pure classes (tokens, formats,
 * earn math, token parsing) need only these few WordPress functions, given
 * here with WordPress's own behaviour. Everything that talks to WordPress or
 * the service is tested in the integration test, in a real WordPress.
 *
 * @package Vafa
 */

// phpcs:ignoreFile -- test bootstrap.
define( 'ABSPATH', __DIR__ . '/' );
define( 'VAFA_DIR', dirname( __DIR__, 2 ) );
require VAFA_DIR . '/includes/Autoloader.php';
\Vafa\Autoloader::register( VAFA_DIR . '/includes' );

function __( $text, $domain = 'default' ) { return $text; }
function wp_json_encode( $data ) { return json_encode( $data ); }
function wp_http_validate_url( $url ) { return filter_var( $url, FILTER_VALIDATE_URL ) ? $url : false; }
