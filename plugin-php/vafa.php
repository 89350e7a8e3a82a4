<?php
/**
 * Plugin Name:       Vafa Loyalty
 * Plugin URI:        https://github.com/vafaloyalty/vafa
 * Description:       Points, rewards and referrals for WooCommerce, backed by the Vafa loyalty service. Connect with one token; orders earn points; shoppers see them in My Account, on products, in the cart and at checkout.
 * Version:           0.3.2
 * Requires at least: 6.1
 * Requires PHP:      8.1
 * Requires Plugins:  woocommerce
 * WC requires at least: 7.9
 * WC tested up to:   10.0
 * Author:            Vafa
 * License:           GPL-2.0-or-later
 * Text Domain:       vafa
 * Domain Path:       /languages
 *
 * @package Vafa
 */

defined( 'ABSPATH' ) || exit;

define( 'VAFA_VERSION', '0.3.2' );
define( 'VAFA_FILE', __FILE__ );
define( 'VAFA_DIR', __DIR__ );

require_once VAFA_DIR . '/includes/Autoloader.php';
\Vafa\Autoloader::register( VAFA_DIR . '/includes' );

// High-Performance Order Storage: the plugin touches orders only through WooCommerce's CRUD API.
add_action( 'before_woocommerce_init', array( \Vafa\Plugin::class, 'declare_compatibility' ) );

add_action( 'plugins_loaded', array( \Vafa\Plugin::class, 'boot' ) );
register_activation_hook( __FILE__, array( \Vafa\Plugin::class, 'activate' ) );
register_deactivation_hook( __FILE__, array( \Vafa\Plugin::class, 'deactivate' ) );
