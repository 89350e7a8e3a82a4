<?php
/**
 * Test helper: runs one command inside the test WordPress site.
 *
 *   php wp.php SITE_DIR install PLUGIN_DIR      install WordPress, activate Vafa, make a shopper and a page
 *   php wp.php SITE_DIR connect TOKEN           connect the plugin with a service token
 *   php wp.php SITE_DIR forget-cache USER_ID [all]  drop the storefront cache (and the last good figures)
 *   php wp.php SITE_DIR mint USER_ID            print a shopper token minted by the plugin
 *
 * Prints JSON. Test-only: never shipped inside the plugin.
 *
 * @package Vafa
 */

// phpcs:ignoreFile -- test tooling.
$site = $argv[1];
$cmd  = $argv[2];
if ( 'install' === $cmd ) {
	define( 'WP_INSTALLING', true );
}
$_SERVER['HTTP_HOST']   = parse_url( getenv( 'VAFA_WP_URL' ), PHP_URL_HOST ) . ':' . parse_url( getenv( 'VAFA_WP_URL' ), PHP_URL_PORT );
$_SERVER['REQUEST_URI'] = '/';
require $site . '/wp-load.php';

switch ( $cmd ) {
	case 'install':
		require_once ABSPATH . 'wp-admin/includes/upgrade.php';
		require_once ABSPATH . 'wp-admin/includes/plugin.php';
		add_filter( 'pre_wp_mail', '__return_false' ); // No mail server in tests.
		wp_install( 'Vafa Test Shop', 'admin', 'admin@example.com', false, '', 'admin-password-' . wp_generate_password( 8, false ) );
		update_option( 'permalink_structure', '' );
		switch_theme( 'twentytwentyone' );
		if ( isset( $argv[3] ) && 'with-woocommerce' === $argv[3] ) {
			// WordPress 6.5+ enforces "Requires Plugins": WooCommerce goes first.
			$wc = activate_plugin( 'woocommerce/woocommerce.php' );
			if ( is_wp_error( $wc ) ) {
				fwrite( STDERR, $wc->get_error_message() . "\n" );
				exit( 1 );
			}
		}
		$result = activate_plugin( 'vafa/vafa.php' );
		if ( is_wp_error( $result ) ) {
			fwrite( STDERR, $result->get_error_message() . "\n" );
			exit( 1 );
		}
		$shopper = wp_insert_user(
			array(
				'user_login' => 'sara',
				'user_pass'  => wp_generate_password( 20 ),
				'user_email' => 'sara@example.com',
				'role'       => 'subscriber',
			)
		);
		$page = wp_insert_post(
			array(
				'post_type'    => 'page',
				'post_status'  => 'publish',
				'post_title'   => 'My points',
				'post_content' => "[vafa_points]\n\n[vafa_activity]",
			)
		);
		echo json_encode( array( 'shopper' => $shopper, 'page' => $page, 'admin' => 1 ) ), "\n";
		break;
	case 'connect':
		wp_set_current_user( 1 );
		try {
			$c = \Vafa\Connector::connect( $argv[3], 1 );
		} catch ( \Vafa\ApiException $e ) {
			fwrite( STDERR, 'connect failed: ' . $e->getMessage() . "\n" );
			exit( 1 );
		}
		echo json_encode( array( 'connection' => $c, 'connected' => \Vafa\Settings::connected() ) ), "\n";
		break;
	case 'forget-cache':
		global $wpdb;
		$wpdb->query( "DELETE FROM {$wpdb->options} WHERE option_name LIKE '\\_transient\\_vafa\\_%' OR option_name LIKE '\\_transient\\_timeout\\_vafa\\_%'" );
		\Vafa\Program::forget();
		wp_cache_flush();
		update_option( \Vafa\Settings::DOWN_UNTIL, 0 );
		// The user's cached figures (user meta since 0.3.1, JSON since 0.3.2)
		// are made stale; the copies stay as the last good answers.
		if ( isset( $argv[3] ) && (int) $argv[3] > 0 ) {
			foreach ( array_keys( (array) get_user_meta( (int) $argv[3] ) ) as $key ) {
				$v = 0 === strpos( (string) $key, 'vafa_' ) ? \Vafa\ApiClient::copy( (int) $argv[3], (string) $key ) : null;
				if ( null !== $v && isset( $v['_vafa_fresh'] ) ) {
					$v['_vafa_fresh'] = 0;
					\Vafa\ApiClient::keep( (int) $argv[3], (string) $key, $v );
				}
			}
		}
		if ( isset( $argv[4] ) && 'all' === $argv[4] ) {
			$wpdb->query( $wpdb->prepare( "DELETE FROM {$wpdb->usermeta} WHERE user_id = %d AND meta_key LIKE 'vafa\\_%%'", (int) $argv[3] ) );
			delete_option( 'vafa_program_last' );
		}
		echo json_encode( array( 'ok' => true ) ), "\n";
		break;
	case 'copy-roundtrip':
		// A shopper's cached copy, first written (an insert) and then
		// rewritten (the one UPDATE), reads back exactly, from this request's
		// loaded meta and from the database: Persian text, quotes, slashes and
		// backslashes included.
		$user = (int) $argv[3];
		$key  = \Vafa\Settings::PREFIX . 'test_roundtrip';
		delete_user_meta( $user, $key );
		$data = array( 'name' => 'جایزهٔ "ویژه" a/b \\ c', 'n' => 1 );
		$out  = array();
		foreach ( array( 'insert', 'update' ) as $step ) {
			\Vafa\ApiClient::keep( $user, $key, $data );
			$out[ $step . '_loaded' ] = \Vafa\ApiClient::copy( $user, $key ) === $data;
			wp_cache_delete( $user, 'user_meta' );
			$out[ $step . '_stored' ] = \Vafa\ApiClient::copy( $user, $key ) === $data;
			$data['n'] = 2;
		}
		$out['rows'] = count( get_user_meta( $user, $key ) );
		delete_user_meta( $user, $key );
		echo json_encode( $out ), "\n";
		break;
	case 'admin-cookies':
		// Real login cookies for the admin, as wp-login.php would set them.
		$exp    = time() + HOUR_IN_SECONDS;
		$auth   = wp_generate_auth_cookie( 1, $exp, 'auth' );
		$logged = wp_generate_auth_cookie( 1, $exp, 'logged_in' );
		echo json_encode( array( 'cookie' => AUTH_COOKIE . '=' . rawurlencode( $auth ) . '; ' . LOGGED_IN_COOKIE . '=' . rawurlencode( $logged ) ) ), "\n";
		break;
	case 'break-webhook':
		// What WooCommerce does after repeated failed deliveries.
		$ids  = \Vafa\Webhooks::ids();
		$hook = wc_get_webhook( (int) $ids['order.updated'] );
		$hook->set_status( 'disabled' );
		$hook->set_failure_count( 7 );
		$hook->save();
		echo json_encode( array( 'id' => $hook->get_id() ) ), "\n";
		break;
	case 'state':
		// What the plugin keeps, for the disconnect and uninstall checks.
		global $wpdb;
		echo json_encode(
			array(
				'options'  => (int) $wpdb->get_var( "SELECT COUNT(*) FROM {$wpdb->options} WHERE option_name LIKE 'vafa\\_%' OR option_name LIKE '\\_transient%vafa\\_%'" ),
				'usermeta' => (int) $wpdb->get_var( "SELECT COUNT(*) FROM {$wpdb->usermeta} WHERE meta_key LIKE 'vafa\\_%'" ),
				'key'      => '' !== \Vafa\Settings::private_key(),
				'webhooks' => (int) $wpdb->get_var( "SELECT COUNT(*) FROM {$wpdb->prefix}wc_webhooks WHERE name LIKE 'Vafa:%'" ),
			)
		), "\n";
		break;
	case 'uninstall':
		define( 'WP_UNINSTALL_PLUGIN', 'vafa/vafa.php' );
		include WP_PLUGIN_DIR . '/vafa/uninstall.php';
		echo json_encode( array( 'ok' => true ) ), "\n";
		break;
	case 'mint':
		echo json_encode( array( 'token' => \Vafa\ApiClient::token( $argv[3], 'shopper' ) ) ), "\n";
		break;
	case 'wc-setup':
		require_once ABSPATH . 'wp-admin/includes/plugin.php';
		$result = is_plugin_active( 'woocommerce/woocommerce.php' ) ? null : activate_plugin( 'woocommerce/woocommerce.php' );
		if ( is_wp_error( $result ) ) {
			fwrite( STDERR, $result->get_error_message() . "\n" );
			exit( 1 );
		}
		echo json_encode( array( 'active' => is_plugin_active( 'woocommerce/woocommerce.php' ) ) ), "\n";
		break;
	case 'wc-prepare':
		// WooCommerce is loaded now (second process): install its tables and a product.
		WC_Install::install();
		update_option( 'woocommerce_currency', 'USD' );
		update_option( 'woocommerce_calc_taxes', 'no' );
		update_option( 'woocommerce_coming_soon', 'no' );
		// The first admin visit after activation would redirect to the setup wizard.
		delete_transient( '_wc_activation_redirect' );
		update_option( 'woocommerce_onboarding_profile', array( 'skipped' => true ) );
		$gateways = get_option( 'woocommerce_cod_settings', array() );
		update_option( 'woocommerce_cod_settings', array_merge( is_array( $gateways ) ? $gateways : array(), array( 'enabled' => 'yes' ) ) );
		$product = new WC_Product_Simple();
		$product->set_name( 'Saffron' );
		$product->set_regular_price( '45.00' );
		$product->set_virtual( true ); // No shipping zones in the test store.
		$product->set_status( 'publish' );
		$product->save();
		$user = new WP_User( (int) $argv[3] );
		$user->set_role( 'customer' );
		// New WooCommerce 8.2+ stores default to High-Performance Order Storage: switch it on here too.
		$hpos = 'n/a';
		if ( class_exists( \Automattic\WooCommerce\Internal\DataStores\Orders\DataSynchronizer::class ) && version_compare( WC()->version, '8.2', '>=' ) ) {
			wc_get_container()->get( \Automattic\WooCommerce\Internal\DataStores\Orders\DataSynchronizer::class )->create_database_tables();
			update_option( 'woocommerce_custom_orders_table_enabled', 'yes' );
			update_option( 'woocommerce_custom_orders_table_data_sync_enabled', 'no' );
			$hpos = 'on';
		}
		if ( 0 >= wc_get_page_id( 'myaccount' ) ) {
			WC_Install::create_pages();
		}
		echo json_encode( array( 'product' => $product->get_id(), 'myaccount' => wc_get_page_id( 'myaccount' ), 'cart' => wc_get_page_id( 'cart' ), 'version' => WC()->version, 'hpos' => $hpos ) ), "\n";
		break;
	case 'webhooks':
		echo json_encode( \Vafa\Webhooks::health() ), "\n";
		break;
	case 'wc-categories':
		// Two categories with a product each: a gift card (30.00) and a tea (10.00).
		$out = array();
		foreach ( array( 'gifts' => array( 'Gift cards', 'Gift card', '30.00' ), 'tea' => array( 'Tea', 'Green tea', '10.00' ) ) as $key => $x ) {
			$term = wp_insert_term( $x[0], 'product_cat' );
			$cat  = is_wp_error( $term ) ? (int) $term->get_error_data( 'term_exists' ) : (int) $term['term_id'];
			$p    = new WC_Product_Simple();
			$p->set_name( $x[1] );
			$p->set_regular_price( $x[2] );
			$p->set_virtual( true );
			$p->set_status( 'publish' );
			$p->set_category_ids( array( $cat ) );
			$p->save();
			$out[ $key ] = array( 'category' => $cat, 'product' => $p->get_id() );
		}
		echo json_encode( $out ), "\n";
		break;
	case 'wc-shipping':
		// A shipped product and a 5.00 flat rate everywhere (the zone for
		// locations no other zone covers).
		$zone     = new WC_Shipping_Zone( 0 );
		$instance = 0;
		foreach ( $zone->get_shipping_methods() as $m ) {
			if ( 'flat_rate' === $m->id ) {
				$instance = (int) $m->instance_id;
			}
		}
		if ( ! $instance ) {
			$instance = (int) $zone->add_shipping_method( 'flat_rate' );
		}
		update_option( 'woocommerce_flat_rate_' . $instance . '_settings', array( 'enabled' => 'yes', 'title' => 'Flat rate', 'tax_status' => 'none', 'cost' => '5' ) );
		WC_Cache_Helper::get_transient_version( 'shipping', true );
		$tea = new WC_Product_Simple();
		$tea->set_name( 'Tea' );
		$tea->set_regular_price( '20.00' );
		$tea->set_status( 'publish' );
		$tea->save();
		echo json_encode( array( 'product' => $tea->get_id(), 'instance' => $instance ) ), "\n";
		break;
	case 'wc-order':
		// php wp.php SITE wc-order USER PRODUCT STATUS...: one order walked through the statuses.
		$order = wc_create_order( array( 'customer_id' => (int) $argv[3] ) );
		$order->add_product( wc_get_product( (int) $argv[4] ), 1 );
		$order->set_billing_email( 'sara@example.com' );
		$order->set_payment_method( 'cod' );
		$order->calculate_totals();
		foreach ( array_slice( $argv, 5 ) as $status ) {
			$order->update_status( $status );
		}
		echo json_encode( array( 'order' => $order->get_id(), 'total' => $order->get_total() ) ), "\n";
		break;
	case 'wc-order-lines':
		// php wp.php SITE wc-order-lines USER STATUS PRODUCT...: one order with a line per product, set to STATUS.
		$order = wc_create_order( array( 'customer_id' => (int) $argv[3] ) );
		foreach ( array_slice( $argv, 5 ) as $p ) {
			$order->add_product( wc_get_product( (int) $p ), 1 );
		}
		$order->set_billing_email( 'other@example.com' );
		$order->set_payment_method( 'cod' );
		$order->calculate_totals();
		$order->update_status( $argv[4] );
		echo json_encode( array( 'order' => $order->get_id(), 'total' => $order->get_total() ) ), "\n";
		break;
	case 'wc-refund-line':
		// php wp.php SITE wc-refund-line ORDER PRODUCT AMOUNT: a refund of one unit of that product's line.
		$o     = wc_get_order( (int) $argv[3] );
		$lines = array();
		foreach ( $o->get_items() as $item_id => $item ) {
			if ( (int) $item->get_product_id() === (int) $argv[4] ) {
				$lines[ $item_id ] = array( 'qty' => 1, 'refund_total' => $argv[5], 'refund_tax' => array() );
			}
		}
		$refund = wc_create_refund( array( 'order_id' => $o->get_id(), 'amount' => $argv[5], 'reason' => 'one line', 'line_items' => $lines ) );
		if ( is_wp_error( $refund ) ) {
			fwrite( STDERR, $refund->get_error_message() . "\n" );
			exit( 1 );
		}
		echo json_encode( array( 'refund' => $refund->get_id() ) ), "\n";
		break;
	case 'nonce':
		// php wp.php SITE nonce USER ACTION: the nonce a page would print for the user (no session cookie).
		wp_set_current_user( (int) $argv[3] );
		echo json_encode( array( 'nonce' => wp_create_nonce( $argv[4] ) ) ), "\n";
		break;
	case 'order-rest':
		// php wp.php SITE order-rest ORDER: the REST v3 body webhooks carry (with the plugin's filters).
		echo json_encode( \Vafa\Reconciler::rest_json( wc_get_order( (int) $argv[3] ) ) ), "\n";
		break;
	case 'order-info':
		$o = wc_get_order( (int) $argv[3] );
		echo json_encode( array( 'total' => $o->get_total(), 'discount' => $o->get_discount_total(), 'coupons' => $o->get_coupon_codes(), 'created_via' => $o->get_created_via() ) ), "\n";
		break;
	case 'order-meta':
		// php wp.php SITE order-meta ORDER KEY: a meta value through the order API (HPOS or posts).
		$o = wc_get_order( (int) $argv[3] );
		echo json_encode( array( 'value' => $o ? $o->get_meta( $argv[4] ) : null ) ), "\n";
		break;
	case 'wc-status':
		$o = wc_get_order( (int) $argv[3] );
		$o->update_status( $argv[4] );
		echo json_encode( array( 'status' => $o->get_status() ) ), "\n";
		break;
	case 'wc-refund':
		$refund = wc_create_refund( array( 'order_id' => (int) $argv[3], 'amount' => $argv[4], 'reason' => 'test refund' ) );
		if ( is_wp_error( $refund ) ) {
			fwrite( STDERR, $refund->get_error_message() . "\n" );
			exit( 1 );
		}
		echo json_encode( array( 'refund' => $refund->get_id(), 'status' => wc_get_order( (int) $argv[3] )->get_status() ) ), "\n";
		break;
	case 'run-queue':
		// Deliver the webhooks WooCommerce queued (Action Scheduler runs them asynchronously on a live site).
		$done = 0;
		for ( $round = 0; $round < 20; $round++ ) {
			$ids = as_get_scheduled_actions( array( 'status' => ActionScheduler_Store::STATUS_PENDING, 'per_page' => 100, 'date' => gmdate( 'Y-m-d H:i:s', time() + 5 ), 'date_compare' => '<=' ), 'ids' );
			if ( ! $ids ) {
				break;
			}
			foreach ( $ids as $id ) {
				ActionScheduler::runner()->process_action( $id, 'Vafa test' );
				++$done;
			}
		}
		echo json_encode( array( 'ran' => $done ) ), "\n";
		break;
	case 'reconcile':
		\Vafa\Reconciler::import_from( time() - 3600 );
		$sent = 0;
		while ( ( $n = \Vafa\Reconciler::run() ) > 0 ) {
			$sent += $n;
			if ( $n < \Vafa\Reconciler::BATCH ) {
				break;
			}
		}
		echo json_encode( array( 'sent' => $sent, 'progress' => get_option( \Vafa\Reconciler::PROGRESS ) ) ), "\n";
		break;
	case 'mint-admin':
		echo json_encode( array( 'token' => \Vafa\ApiClient::token( '1', 'admin' ) ) ), "\n";
		break;
	case 'kid':
		echo json_encode( array( 'kid' => \Vafa\Settings::connection()['kid'] ?? '' ) ), "\n";
		break;
	case 'rotate':
		wp_set_current_user( 1 );
		echo json_encode( array( 'kid' => \Vafa\Connector::rotate( 1 ) ) ), "\n";
		break;
	case 'disconnect':
		wp_set_current_user( 1 );
		\Vafa\Connector::disconnect();
		echo json_encode( array( 'ok' => true ) ), "\n";
		break;
	case 'validate-url':
		// What WordPress's safe HTTP functions would allow.
		echo json_encode( array( 'allowed' => false !== wp_http_validate_url( $argv[3] ) ) ), "\n";
		break;
	case 'connect-error':
		// The message an admin would see for a token (must say nothing of the remote).
		wp_set_current_user( 1 );
		try {
			\Vafa\Connector::connect( $argv[3], 1 );
			echo json_encode( array( 'error' => '' ) ), "\n";
		} catch ( \Vafa\ApiException $e ) {
			echo json_encode( array( 'error' => $e->getMessage() ) ), "\n";
		}
		break;
	case 'new-user':
		$id = wp_insert_user( array( 'user_login' => $argv[3], 'user_email' => $argv[4], 'user_pass' => wp_generate_password(), 'role' => 'customer' ) );
		echo json_encode( array( 'id' => is_wp_error( $id ) ? 0 : $id ) ), "\n";
		break;
	case 'claim-offer':
		// Sends the claim e-mail; the test machine has no mail server, so the message is captured.
		$mail = null;
		add_filter(
			'pre_wp_mail',
			static function ( $r, $atts ) use ( &$mail ) {
				$mail = $atts;
				return true;
			},
			20,
			2
		);
		$sent = \Vafa\Claims\ClaimLink::offer( (int) $argv[3] );
		preg_match( '#https?://\S+#', (string) ( $mail['message'] ?? '' ), $m );
		echo json_encode( array( 'sent' => $sent, 'to' => $mail['to'] ?? '', 'message' => $mail['message'] ?? '', 'link' => $m[0] ?? '' ) ), "\n";
		break;
	case 'privacy-export':
		wp_set_current_user( 1 );
		$exporters = apply_filters( 'wp_privacy_personal_data_exporters', array() );
		echo json_encode( call_user_func( $exporters['vafa']['callback'], $argv[3], 1 ) ), "\n";
		break;
	case 'privacy-erase':
		wp_set_current_user( 1 );
		$erasers = apply_filters( 'wp_privacy_personal_data_erasers', array() );
		echo json_encode( call_user_func( $erasers['vafa']['callback'], $argv[3], 1 ) ), "\n";
		break;
	case 'redeem':
		// php wp.php SITE redeem USER REWARD [POINTS]: what the Redeem button does.
		wp_set_current_user( (int) $argv[3] );
		try {
			$r = \Vafa\Rewards\Redeemer::current()->redeem( (int) $argv[3], $argv[4], (int) ( $argv[5] ?? 0 ), 0, 'test-' . uniqid() );
			echo json_encode( array( 'redemption' => $r, 'coupon' => \Vafa\Rewards\Codes::coupon_props( \Vafa\Rewards\Codes::get( $r['code'] ) ) ) ), "\n";
		} catch ( \Vafa\ApiException $e ) {
			echo json_encode( array( 'error' => $e->getMessage(), 'status' => $e->status ) ), "\n";
		}
		break;
	case 'release':
		wp_set_current_user( (int) $argv[3] );
		echo json_encode( array( 'released' => \Vafa\Rewards\Redeemer::current()->release( (int) $argv[3], $argv[4] ) ) ), "\n";
		break;
	case 'wc-order-coupon':
		// php wp.php SITE wc-order-coupon USER PRODUCT CODE STATUS...: an order placed by USER with a reward code.
		wp_set_current_user( (int) $argv[3] );
		$order = wc_create_order( array( 'customer_id' => (int) $argv[3] ) );
		$order->add_product( wc_get_product( (int) $argv[4] ), 1 );
		$order->set_billing_email( get_userdata( (int) $argv[3] )->user_email );
		$order->set_payment_method( 'cod' );
		$order->calculate_totals();
		$applied = $order->apply_coupon( $argv[5] );
		if ( is_wp_error( $applied ) ) {
			$order->delete( true );
			echo json_encode( array( 'error' => $applied->get_error_message() ) ), "\n";
			break;
		}
		$order->calculate_totals();
		foreach ( array_slice( $argv, 6 ) as $status ) {
			$order->update_status( $status );
		}
		echo json_encode( array( 'order' => $order->get_id(), 'total' => $order->get_total(), 'discount' => $order->get_discount_total(), 'coupons' => $order->get_coupon_codes() ) ), "\n";
		break;
	case 'user-locale':
		// php wp.php SITE user-locale USER LOCALE: the language the user chose in their profile.
		update_user_meta( (int) $argv[3], 'locale', $argv[4] );
		echo json_encode( array( 'locale' => get_user_locale( (int) $argv[3] ) ) ), "\n";
		break;
	case 'review':
		// php wp.php SITE review USER PRODUCT RATING: a product review posted by the signed-in user,
		// through wp_new_comment (WooCommerce's review type and WordPress's moderation rules apply).
		wp_set_current_user( (int) $argv[3] );
		// A shopper writes reviews minutes apart; the test writes them seconds apart.
		remove_action( 'check_comment_flood', 'check_comment_flood_db', 10 );
		remove_all_filters( 'wp_is_comment_flood' );
		$u  = get_userdata( (int) $argv[3] );
		$id = wp_new_comment(
			array(
				'comment_post_ID'      => (int) $argv[4],
				'comment_author'       => $u->display_name,
				'comment_author_email' => $u->user_email,
				'comment_author_url'   => '',
				'comment_content'      => 'Lovely, fresh and fragrant. ' . uniqid(),
				'comment_type'         => 'review',
				'comment_parent'       => 0,
				'user_id'              => $u->ID,
				'comment_author_IP'    => '127.0.0.1',
				'comment_agent'        => 'Vafa test',
			),
			true
		);
		if ( is_wp_error( $id ) ) {
			fwrite( STDERR, $id->get_error_message() . "\n" );
			exit( 1 );
		}
		update_comment_meta( $id, 'rating', (int) ( $argv[5] ?? 5 ) );
		$c = get_comment( $id );
		echo json_encode( array( 'id' => (int) $id, 'approved' => (string) $c->comment_approved, 'type' => $c->comment_type ) ), "\n";
		break;
	case 'comment-status':
		// php wp.php SITE comment-status ID approve|hold: what a moderator does.
		wp_set_current_user( 1 );
		wp_set_comment_status( (int) $argv[3], $argv[4] );
		echo json_encode( array( 'approved' => (string) get_comment( (int) $argv[3] )->comment_approved ) ), "\n";
		break;
	case 'comment-meta':
		echo json_encode( array( 'value' => get_comment_meta( (int) $argv[3], $argv[4], true ) ) ), "\n";
		break;
	case 'email-enabled':
		// php wp.php SITE email-enabled EMAIL_ID yes|no: the switch in WooCommerce > Settings > Emails.
		$key      = 'woocommerce_' . $argv[3] . '_settings';
		$settings = get_option( $key, array() );
		update_option( $key, array_merge( is_array( $settings ) ? $settings : array(), array( 'enabled' => $argv[4] ) ) );
		echo json_encode( array( 'enabled' => $argv[4] ) ), "\n";
		break;
	case 'pending-actions':
		// php wp.php SITE pending-actions HOOK: pending Action Scheduler actions of a hook in the plugin's group.
		$ids = as_get_scheduled_actions( array( 'hook' => $argv[3], 'group' => 'vafa', 'status' => ActionScheduler_Store::STATUS_PENDING, 'per_page' => 100 ), 'ids' );
		echo json_encode( array( 'count' => count( $ids ) ) ), "\n";
		break;
	default:
		fwrite( STDERR, "unknown command $cmd\n" );
		exit( 2 );
}
