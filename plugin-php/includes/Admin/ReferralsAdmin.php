<?php
/**
 * The referral program on the Vafa admin page.
 *
 * @package Vafa
 */

namespace Vafa\Admin;

use Vafa\ApiClient;
use Vafa\ApiException;
use Vafa\Program;

defined( 'ABSPATH' ) || exit;

/**
 * Referral settings (PATCH /v1/admin/program) and the referrals table with
 * a state filter and approve/reject for pending ones; decisions are made at
 * the service with the admin as the recorded actor.
 */
final class ReferralsAdmin {
	const OPS = array( 'referral_settings', 'referral_approve', 'referral_reject' );

	/**
	 * Handles one of the page's referral operations; returns the notice text.
	 *
	 * @param string $op Operation.
	 * @throws ApiException When the service refuses.
	 */
	public static function handle( string $op ): string {
		$client = ApiClient::connected();
		if ( ! $client ) {
			throw new ApiException( __( 'Connect the store first.', 'vafa' ), 'invalid' );
		}
		$user = (string) get_current_user_id();
		// phpcs:disable WordPress.Security.NonceVerification.Missing -- SettingsPage::handle checked the nonce.
		switch ( $op ) {
			case 'referral_settings':
				$program  = Program::get();
				$exponent = (int) ( $program['currency_exponent'] ?? 2 );
				$client->as_user(
					'PATCH',
					'/v1/admin/program',
					$user,
					'admin',
					array(
						'referral_enabled'            => ! empty( $_POST['vafa_referral_enabled'] ),
						'referrer_points'             => absint( $_POST['vafa_referrer_points'] ?? 0 ),
						'referrer_percent'            => min( 100, absint( $_POST['vafa_referrer_percent'] ?? 0 ) ),
						'referrer_months'             => min( 120, absint( $_POST['vafa_referrer_months'] ?? 0 ) ),
						'referee_points'              => absint( $_POST['vafa_referee_points'] ?? 0 ),
						'referral_min_order_minor'    => max( 0, Program::to_minor( sanitize_text_field( wp_unslash( $_POST['vafa_referral_min'] ?? '0' ) ), $exponent ) ),
						'referral_monthly_cap'        => absint( $_POST['vafa_referral_cap'] ?? 0 ),
						'referral_new_customers_only' => ! empty( $_POST['vafa_referral_new'] ),
					),
					array(),
					10.0
				);
				Program::forget();
				return __( 'Referral settings saved.', 'vafa' );
			case 'referral_approve':
			case 'referral_reject':
				$id     = absint( $_POST['vafa_referral_id'] ?? 0 );
				$action = 'referral_approve' === $op ? 'approve' : 'reject';
				$client->as_user( 'POST', '/v1/admin/referrals/' . $id . '/' . $action, $user, 'admin', null, array(), 10.0 );
				return 'approve' === $action ? __( 'Referral approved: the rewards are posted.', 'vafa' ) : __( 'Referral rejected.', 'vafa' );
		}
		// phpcs:enable
		throw new ApiException( __( 'Unknown action.', 'vafa' ), 'invalid' );
	}

	/**
	 * Prints the settings and the referrals table.
	 *
	 * @param callable $form The page's form printer: ( $op, $label, $fields, $class ).
	 */
	public static function render( callable $form ): void {
		$client = ApiClient::connected();
		if ( ! $client ) {
			return;
		}
		$program  = Program::get() ?? array();
		$exponent = (int) ( $program['currency_exponent'] ?? 2 );
		echo '<h2>' . esc_html__( 'Referrals', 'vafa' ) . '</h2>';
		$min    = (int) ( $program['referral_min_order_minor'] ?? 0 );
		$fields = '<p><label><input type="checkbox" name="vafa_referral_enabled" value="1"' . checked( ! empty( $program['referral_enabled'] ), true, false ) . '> ' . esc_html__( 'Reward customers for friends they refer', 'vafa' ) . '</label></p>'
			. '<p><label>' . esc_html__( 'Points for the referrer per friend', 'vafa' ) . ' <input type="number" min="0" name="vafa_referrer_points" value="' . esc_attr( (string) (int) ( $program['referrer_points'] ?? 0 ) ) . '"></label> '
			. '<label>' . esc_html__( 'Welcome points for the friend', 'vafa' ) . ' <input type="number" min="0" name="vafa_referee_points" value="' . esc_attr( (string) (int) ( $program['referee_points'] ?? 0 ) ) . '"></label></p>'
			. '<p><label>' . esc_html__( 'Recurring: percent of the points each order of the friend earns, for the referrer (0 = none)', 'vafa' ) . ' <input type="number" min="0" max="100" name="vafa_referrer_percent" value="' . esc_attr( (string) (int) ( $program['referrer_percent'] ?? 0 ) ) . '"></label> '
			. '<label>' . esc_html__( 'for this many months (0 = the first order only)', 'vafa' ) . ' <input type="number" min="0" max="120" name="vafa_referrer_months" value="' . esc_attr( (string) (int) ( $program['referrer_months'] ?? 0 ) ) . '"></label></p>'
			. '<p><label>' . esc_html__( 'Smallest first order that counts (0 = any)', 'vafa' ) . ' <input name="vafa_referral_min" inputmode="decimal" value="' . esc_attr( \Vafa\Rewards\Codes::amount( $min, $exponent ) ) . '"></label> '
			. '<label>' . esc_html__( 'Most rewarded referrals per referrer a month (0 = no cap)', 'vafa' ) . ' <input type="number" min="0" name="vafa_referral_cap" value="' . esc_attr( (string) (int) ( $program['referral_monthly_cap'] ?? 0 ) ) . '"></label></p>'
			. '<p><label><input type="checkbox" name="vafa_referral_new" value="1"' . checked( ! isset( $program['referral_new_customers_only'] ) || ! empty( $program['referral_new_customers_only'] ), true, false ) . '> ' . esc_html__( 'Only friends who never ordered before count', 'vafa' ) . '</label></p>';
		$form( 'referral_settings', __( 'Save', 'vafa' ), $fields );

		// phpcs:ignore WordPress.Security.NonceVerification.Recommended -- a read-only filter.
		$state = isset( $_GET['vafa_referral_state'] ) ? sanitize_key( wp_unslash( $_GET['vafa_referral_state'] ) ) : '';
		if ( ! in_array( $state, array( '', 'pending', 'approved', 'rejected' ), true ) ) {
			$state = '';
		}
		$states = array(
			''         => __( 'All', 'vafa' ),
			'pending'  => __( 'Pending', 'vafa' ),
			'approved' => __( 'Approved', 'vafa' ),
			'rejected' => __( 'Rejected', 'vafa' ),
		);
		echo '<p class="vafa-referral-filter">';
		foreach ( $states as $s => $label ) {
			$url = add_query_arg( array( 'page' => 'vafa', 'vafa_referral_state' => $s ), admin_url( 'admin.php' ) );
			echo ( $s === $state ? '<strong>' . esc_html( $label ) . '</strong>' : '<a href="' . esc_url( $url ) . '">' . esc_html( $label ) . '</a>' ) . ' ';
		}
		echo '</p>';
		try {
			$list = $client->as_user( 'GET', '/v1/admin/referrals?limit=50' . ( '' !== $state ? '&state=' . $state : '' ), (string) get_current_user_id(), 'admin', null, array(), 2.0 );
		} catch ( ApiException $e ) {
			echo '<p>' . esc_html( $e->getMessage() ) . '</p>';
			return;
		}
		$reasons = self::reasons();
		echo '<table class="widefat striped vafa-referrals"><thead><tr><th>' . esc_html__( 'Referrer', 'vafa' ) . '</th><th>' . esc_html__( 'Friend', 'vafa' ) . '</th><th>' . esc_html__( 'Order', 'vafa' ) . '</th><th>' . esc_html__( 'State', 'vafa' ) . '</th><th>' . esc_html__( 'Reason', 'vafa' ) . '</th><th>' . esc_html__( 'Decided by', 'vafa' ) . '</th><th></th></tr></thead><tbody>';
		foreach ( (array) ( $list['items'] ?? array() ) as $r ) {
			$referrer = get_userdata( (int) $r['referrer_id'] );
			echo '<tr data-referral="' . esc_attr( (string) $r['id'] ) . '"><td>' . esc_html( $referrer ? $referrer->user_login : '#' . $r['referrer_id'] ) . '</td><td>' . esc_html( (string) $r['friend_name'] ) . ( '' !== $r['friend_id'] ? ' (#' . esc_html( (string) $r['friend_id'] ) . ')' : '' ) . '</td><td>#' . esc_html( (string) $r['order_id'] ) . '</td><td>' . esc_html( $states[ $r['state'] ] ?? (string) $r['state'] ) . '</td><td>' . esc_html( $reasons[ $r['reason'] ] ?? (string) $r['reason'] ) . '</td><td>' . esc_html( (string) $r['decided_by'] ) . '</td><td>';
			if ( 'pending' === $r['state'] ) {
				$hidden = '<input type="hidden" name="vafa_referral_id" value="' . esc_attr( (string) $r['id'] ) . '">';
				$form( 'referral_approve', __( 'Approve', 'vafa' ), $hidden, 'button button-small' );
				$form( 'referral_reject', __( 'Reject', 'vafa' ), $hidden, 'button button-small' );
			}
			echo '</td></tr>';
		}
		echo '</tbody></table>';
	}

	/**
	 * The service's rejection reasons in words.
	 *
	 * @return array<string,string>
	 */
	public static function reasons(): array {
		return array(
			'self_referral'      => __( 'Used their own code', 'vafa' ),
			'same_email'         => __( 'Same e-mail as the referrer', 'vafa' ),
			'same_phone'         => __( 'Same phone as the referrer', 'vafa' ),
			'same_address'       => __( 'Same address as the referrer', 'vafa' ),
			'returning_customer' => __( 'Had ordered before', 'vafa' ),
			'below_minimum'      => __( 'First order below the minimum', 'vafa' ),
			'monthly_cap'        => __( 'Referrer reached the monthly cap', 'vafa' ),
			'order_refunded'     => __( 'Order refunded or cancelled', 'vafa' ),
			'rejected_by_admin'  => __( 'Rejected by an admin', 'vafa' ),
		);
	}
}
