<?php
/**
 * Wires the plugin's parts to WordPress and WooCommerce.
 *
 * @package Vafa
 */

namespace Vafa;

defined( 'ABSPATH' ) || exit;

/**
 * Bootstrap: text domain, WooCommerce check, admin and storefront hooks.
 */
final class Plugin {
	/**
	 * Runs on plugins_loaded.
	 */
	public static function boot(): void {
		load_plugin_textdomain( 'vafa', false, dirname( plugin_basename( VAFA_FILE ) ) . '/languages' );
		// Upgrades run on an admin request (and on activation), as the Stripe
		// gateway does: never in the middle of a shopper's page.
		add_action( 'admin_init', array( Install::class, 'maybe_upgrade' ) );
		Webhooks::allow_service_host();

		$woo = class_exists( 'WooCommerce' );
		if ( is_admin() ) {
			( new Admin\SettingsPage() )->register( $woo );
			if ( $woo ) {
				Admin\DashboardAdmin::register();
				Admin\BonusesAdmin::register();
				Admin\CustomersAdmin::register();
				Admin\SegmentsAdmin::register();
			} else {
				add_action( 'admin_notices', array( self::class, 'missing_woocommerce_notice' ) );
			}
		}
		// Shortcodes need only a logged-in user: the customer id is the WordPress user id.
		Storefront\Shortcodes::register();
		Referrals\Share::register();
		Referrals\Landing::register();
		Storefront\NoCache::register();
		Storefront\Prefetch::register();
		Privacy\DataTools::register();
		Schedules::register();
		Admin\Status::register();
		add_action( 'wp_enqueue_scripts', array( self::class, 'styles' ) );
		if ( $woo ) {
			Storefront\Account::register();
			Storefront\Freshness::register();
			( new Storefront\EarnNotices( Program::current() ) )->register();
			Rewards\Coupons::register();
			Rewards\CartBox::register();
			Rewards\BlockCheckout::register();
			Referrals\Attribution::register();
			Referrals\Welcome::register();
			Tiers\FreeShipping::register();
			Rules\OrderLines::register();
			Reconciler::register();
			Emails\Registry::register();
			Bonuses\IssuedCodes::register();
			Bonuses\Survey::register();
			Bonuses\Birthday::register();
			Bonuses\Reviews::register();
		}
		// The service's signed events (e-mails need WooCommerce; the route and
		// the vafa_event action work without it).
		Bonuses\Receiver::register();
		Bonuses\ReceiverSecret::register();
		// Claim links are opened on any page (My Account with WooCommerce).
		Claims\ClaimLink::register();
	}

	/**
	 * Declares High-Performance Order Storage compatibility (on
	 * before_woocommerce_init) where WooCommerce reads it: its admin screens,
	 * WP-CLI, cron, the REST API, and the request that installs or updates
	 * it (a new shop gets HPOS only when every plugin is compatible).
	 * Declaring makes WooCommerce look the plugin up among all installed ones,
	 * reading every plugin's header (get_plugins()): about 3 ms that no
	 * storefront page view needs.
	 */
	public static function declare_compatibility(): void {
		if ( ! class_exists( \Automattic\WooCommerce\Utilities\FeaturesUtil::class ) ) {
			return;
		}
		$read = is_admin() || wp_doing_cron() || ( defined( 'WP_CLI' ) && WP_CLI )
			|| ( function_exists( 'WC' ) && WC()->is_rest_api_request() )
			|| ( function_exists( 'WC' ) && version_compare( (string) get_option( 'woocommerce_version', '0' ), (string) WC()->version, '<' ) );
		if ( $read ) {
			\Automattic\WooCommerce\Utilities\FeaturesUtil::declare_compatibility( 'custom_order_tables', VAFA_FILE, true );
		}
	}

	/**
	 * Styles for the storefront parts, mirrored for right-to-left languages.
	 */
	public static function styles(): void {
		wp_enqueue_style( 'vafa', plugins_url( 'assets/vafa.css', VAFA_FILE ), array(), VAFA_VERSION );
		wp_style_add_data( 'vafa', 'rtl', 'replace' );
	}

	/**
	 * Shown to admins when WooCommerce is not active.
	 */
	public static function missing_woocommerce_notice(): void {
		if ( ! current_user_can( 'activate_plugins' ) ) {
			return;
		}
		echo '<div class="notice notice-warning"><p>' . esc_html__( 'Vafa Loyalty needs WooCommerce to award points for orders. Shortcodes keep working for logged-in users.', 'vafa' ) . '</p></div>';
	}

	/**
	 * Activation: registers the My Account endpoint before flushing rewrite rules.
	 */
	public static function activate(): void {
		Install::install();
		add_rewrite_endpoint( Storefront\Account::ENDPOINT, EP_ROOT | EP_PAGES );
		add_rewrite_endpoint( Bonuses\Survey::ENDPOINT, EP_ROOT | EP_PAGES );
		flush_rewrite_rules();
	}

	/**
	 * Deactivation: stops scheduled work (uninstall removes the rest).
	 */
	public static function deactivate(): void {
		if ( function_exists( 'as_unschedule_all_actions' ) ) {
			foreach ( Settings::SCHEDULED_HOOKS as $hook ) {
				as_unschedule_all_actions( $hook, array(), Reconciler::GROUP );
			}
		}
		flush_rewrite_rules();
	}
}
