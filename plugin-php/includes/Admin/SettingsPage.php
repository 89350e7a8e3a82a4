<?php
/**
 * WooCommerce > Vafa: connect, status, webhook health, import.
 *
 * @package Vafa
 */

namespace Vafa\Admin;

use Vafa\ApiClient;
use Vafa\ApiException;
use Vafa\Connector;
use Vafa\Reconciler;
use Vafa\Settings;
use Vafa\Webhooks;

defined( 'ABSPATH' ) || exit;

/**
 * The admin page. Every action checks manage_woocommerce and its own nonce;
 * no secret is ever printed.
 */
final class SettingsPage {
	const SLUG = 'vafa';

	/**
	 * Hooks the menu and the form handler.
	 *
	 * @param bool $woo Whether WooCommerce is active.
	 */
	public function register( bool $woo ): void {
		add_action(
			'admin_menu',
			static function () use ( $woo ) {
				$title = __( 'Vafa Loyalty', 'vafa' );
				if ( $woo ) {
					add_submenu_page( 'woocommerce', $title, __( 'Vafa', 'vafa' ), 'manage_woocommerce', self::SLUG, array( self::class, 'render' ) );
				} else {
					add_options_page( $title, __( 'Vafa', 'vafa' ), 'manage_options', self::SLUG, array( self::class, 'render' ) );
				}
			}
		);
		add_action( 'admin_post_vafa_action', array( self::class, 'handle' ) );
	}

	/**
	 * Handles the page's forms (admin-post.php?action=vafa_action).
	 */
	public static function handle(): void {
		if ( ! current_user_can( 'manage_woocommerce' ) ) {
			wp_die( esc_html__( 'You are not allowed to manage Vafa.', 'vafa' ), 403 );
		}
		$op = isset( $_POST['vafa_op'] ) ? sanitize_key( wp_unslash( $_POST['vafa_op'] ) ) : '';
		check_admin_referer( 'vafa_' . $op );
		$notice = array( 'success', '' );
		try {
			switch ( $op ) {
				case 'connect':
					$token = isset( $_POST['vafa_token'] ) ? sanitize_text_field( wp_unslash( $_POST['vafa_token'] ) ) : '';
					Connector::connect( $token, get_current_user_id() );
					$notice[1] = __( 'Connected. Orders now earn points.', 'vafa' );
					break;
				case 'disconnect':
					Connector::disconnect();
					$notice[1] = __( 'Disconnected. The key was revoked at the service and the webhooks removed.', 'vafa' );
					break;
				case 'rotate':
					Connector::rotate( get_current_user_id() );
					$notice[1] = __( 'A new key is in use; the old one was revoked.', 'vafa' );
					break;
				case 'check':
					$checked   = Status::check();
					$notice[1] = $checked['ok'] ? __( 'The service is reachable and accepts the key.', 'vafa' ) : $checked['message'];
					$notice[0] = $checked['ok'] ? 'success' : 'error';
					break;
				case 'reenable':
					/* translators: %d: number of webhooks */
					$notice[1] = sprintf( __( '%d webhooks re-enabled.', 'vafa' ), Webhooks::reenable() );
					break;
				case 'import':
					$date  = isset( $_POST['vafa_since'] ) ? sanitize_text_field( wp_unslash( $_POST['vafa_since'] ) ) : '';
					$since = strtotime( $date . ' 00:00:00 UTC' );
					if ( ! $since ) {
						throw new ApiException( __( 'Choose a valid date.', 'vafa' ), 'invalid' );
					}
					Reconciler::import_from( $since );
					$notice[1] = __( 'Import started; progress is shown below.', 'vafa' );
					break;
				case 'settings':
					$timeout = isset( $_POST['vafa_timeout'] ) ? (float) sanitize_text_field( wp_unslash( $_POST['vafa_timeout'] ) ) : 1.5;
					update_option( Settings::TIMEOUT, max( 0.2, min( 10.0, $timeout ) ) );
					$notice[1] = __( 'Settings saved.', 'vafa' );
					break;
				case 'reward_add':
				case 'reward_toggle':
				case 'redeem_settings':
					$notice[1] = RewardsAdmin::handle( $op );
					break;
				case 'referral_settings':
				case 'referral_approve':
				case 'referral_reject':
					$notice[1] = ReferralsAdmin::handle( $op );
					break;
				case 'tier_add':
				case 'tier_toggle':
				case 'tier_settings':
					$notice[1] = TiersAdmin::handle( $op );
					break;
				case 'expiry_settings':
					$notice[1] = ExpiryAdmin::handle();
					break;
				case 'rule_add':
				case 'rule_toggle':
				case 'promo_add':
				case 'promo_toggle':
				case 'earn_settings':
					$notice[1] = RulesAdmin::handle( $op );
					break;
				default:
					throw new ApiException( __( 'Unknown action.', 'vafa' ), 'invalid' );
			}
		} catch ( ApiException $e ) {
			$notice = array( 'error', $e->getMessage() );
		}
		set_transient( 'vafa_notice_' . get_current_user_id(), $notice, 60 );
		wp_safe_redirect( admin_url( 'admin.php?page=' . self::SLUG ) );
		exit;
	}

	/**
	 * Prints a form posting one operation.
	 *
	 * @param string $op     Operation.
	 * @param string $label  Button label.
	 * @param string $fields Extra fields (already escaped).
	 * @param string $class  Button class.
	 */
	private static function form( string $op, string $label, string $fields = '', string $class = 'button' ): void {
		echo '<form method="post" action="' . esc_url( admin_url( 'admin-post.php' ) ) . '" class="vafa-form">';
		echo '<input type="hidden" name="action" value="vafa_action"><input type="hidden" name="vafa_op" value="' . esc_attr( $op ) . '">';
		wp_nonce_field( 'vafa_' . $op );
		echo $fields; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- built from escaped parts by the caller.
		echo ' <button type="submit" class="' . esc_attr( $class ) . '">' . esc_html( $label ) . '</button></form>';
	}

	/**
	 * Renders the page.
	 */
	public static function render(): void {
		if ( ! current_user_can( 'manage_woocommerce' ) ) {
			return;
		}
		echo '<div class="wrap"><h1>' . esc_html__( 'Vafa Loyalty', 'vafa' );
		if ( class_exists( 'WooCommerce' ) && Settings::connected() ) {
			echo ' <a class="page-title-action" href="' . esc_url( admin_url( 'admin.php?page=' . DashboardAdmin::SLUG ) ) . '">' . esc_html__( 'Vafa Dashboard', 'vafa' ) . '</a>';
		}
		echo '</h1>';
		$notice = get_transient( 'vafa_notice_' . get_current_user_id() );
		if ( is_array( $notice ) && '' !== $notice[1] ) {
			delete_transient( 'vafa_notice_' . get_current_user_id() );
			echo '<div class="notice notice-' . esc_attr( $notice[0] ) . '"><p>' . esc_html( $notice[1] ) . '</p></div>';
		}
		if ( ! Settings::connected() ) {
			echo '<h2>' . esc_html__( 'Connect your store', 'vafa' ) . '</h2><p>' . esc_html__( 'Paste the connection token from your Vafa service. The plugin creates its own keys and the WooCommerce webhooks.', 'vafa' ) . '</p>';
			self::form( 'connect', __( 'Connect', 'vafa' ), '<input type="password" name="vafa_token" class="regular-text" autocomplete="off" required placeholder="vafa1.…">', 'button button-primary' );
			echo '</div>';
			return;
		}
		$c = Settings::connection();
		echo '<h2>' . esc_html__( 'Connection', 'vafa' ) . '</h2><table class="widefat striped"><tbody>';
		echo '<tr><th>' . esc_html__( 'Service', 'vafa' ) . '</th><td>' . esc_html( $c['service_url'] ) . '</td></tr>';
		echo '<tr><th>' . esc_html__( 'Store id', 'vafa' ) . '</th><td>' . esc_html( $c['store_id'] ) . '</td></tr>';
		// Never wait for the service here: show the last check, refresh it in the background.
		$checked = Status::get();
		Status::refresh_if_old();
		if ( 0 === $checked['at'] ) {
			$status = esc_html__( 'Not checked yet', 'vafa' );
		} else {
			$status = $checked['ok'] ? esc_html__( 'Reachable, key accepted', 'vafa' ) : esc_html( $checked['message'] );
			/* translators: %s: how long ago, e.g. "5 mins" */
			$status .= ' <span class="description">(' . esc_html( sprintf( __( 'checked %s ago', 'vafa' ), human_time_diff( $checked['at'] ) ) ) . ')</span>';
		}
		echo '<tr><th>' . esc_html__( 'Status', 'vafa' ) . '</th><td>' . $status . '</td></tr>'; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped above.
		echo '<tr><th>' . esc_html__( 'Key', 'vafa' ) . '</th><td>' . esc_html( $c['kid'] ) . '</td></tr></tbody></table>';
		self::form( 'check', __( 'Check now', 'vafa' ) );
		self::form( 'rotate', __( 'Rotate key', 'vafa' ) );

		echo '<h2>' . esc_html__( 'Webhooks', 'vafa' ) . '</h2><table class="widefat striped"><thead><tr><th>' . esc_html__( 'Topic', 'vafa' ) . '</th><th>' . esc_html__( 'Status', 'vafa' ) . '</th><th>' . esc_html__( 'Consecutive failures', 'vafa' ) . '</th></tr></thead><tbody>';
		$unhealthy = false;
		foreach ( Webhooks::health() as $h ) {
			$unhealthy = $unhealthy || 'active' !== $h['status'] || $h['failures'] > 0;
			echo '<tr><td>' . esc_html( $h['topic'] ) . '</td><td>' . esc_html( $h['status'] ) . '</td><td>' . esc_html( (string) $h['failures'] ) . '</td></tr>';
		}
		echo '</tbody></table>';
		if ( $unhealthy ) {
			echo '<p>' . esc_html__( 'WooCommerce disables a webhook after repeated failed deliveries. Re-enable them; the reconciliation sync recovers the orders they missed.', 'vafa' ) . '</p>';
			self::form( 'reenable', __( 'Re-enable webhooks', 'vafa' ), '', 'button button-primary' );
		}

		echo '<h2>' . esc_html__( 'Import past orders', 'vafa' ) . '</h2>';
		$progress = get_option( Reconciler::PROGRESS );
		if ( is_array( $progress ) ) {
			/* translators: 1: orders sent, 2: orders to send */
			echo '<p>' . esc_html( sprintf( __( 'Import progress: %1$d of %2$d orders sent.', 'vafa' ), (int) $progress['sent'], (int) $progress['total'] ) ) . '</p>';
		}
		self::form( 'import', __( 'Import', 'vafa' ), '<label>' . esc_html__( 'Orders changed since', 'vafa' ) . ' <input type="date" name="vafa_since" required></label>' );

		echo '<h2>' . esc_html__( 'Settings', 'vafa' ) . '</h2>';
		self::form( 'settings', __( 'Save', 'vafa' ), '<label>' . esc_html__( 'Storefront timeout (seconds)', 'vafa' ) . ' <input type="number" step="0.1" min="0.2" max="10" name="vafa_timeout" value="' . esc_attr( (string) Settings::timeout() ) . '"></label>' );

		$form = static function ( $op, $label, $fields = '', $class = 'button' ) {
			self::form( $op, $label, $fields, $class );
		};
		RewardsAdmin::render( $form );
		ReferralsAdmin::render( $form );
		TiersAdmin::render( $form );
		ExpiryAdmin::render( $form );
		RulesAdmin::render( $form );

		echo '<h2>' . esc_html__( 'Disconnect', 'vafa' ) . '</h2>';
		self::form( 'disconnect', __( 'Disconnect', 'vafa' ), '', 'button button-link-delete' );
		echo '</div>';
	}
}
