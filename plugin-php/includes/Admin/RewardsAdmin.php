<?php
/**
 * The rewards catalog editor and the redemption settings on the Vafa page.
 *
 * @package Vafa
 */

namespace Vafa\Admin;

use Vafa\ApiClient;
use Vafa\ApiException;
use Vafa\Program;
use Vafa\Rewards\Codes;

defined( 'ABSPATH' ) || exit;

/**
 * Lists the catalog (the service holds it), adds rewards, deactivates and
 * reactivates them (never deletes: issued rewards keep their meaning), and
 * changes the redemption settings. Every call is an admin call to the
 * service; nothing is stored in WordPress.
 */
final class RewardsAdmin {
	/**
	 * Handles one of the page's reward operations; returns the notice text.
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
			case 'reward_add':
				$program  = Program::get();
				$exponent = (int) ( $program['currency_exponent'] ?? 2 );
				$kind     = sanitize_key( wp_unslash( $_POST['vafa_kind'] ?? '' ) );
				$names    = array();
				foreach ( array( 'en', 'fa_IR', 'ar' ) as $locale ) {
					$name = sanitize_text_field( wp_unslash( $_POST[ 'vafa_name_' . $locale ] ?? '' ) );
					if ( '' !== $name ) {
						$names[ $locale ] = $name;
					}
				}
				$body = array(
					'kind'               => $kind,
					'names'              => (object) $names,
					'points_cost'        => 'points_discount' === $kind ? 0 : absint( $_POST['vafa_points_cost'] ?? 0 ),
					'value_minor'        => Program::to_minor( sanitize_text_field( wp_unslash( $_POST['vafa_value'] ?? '0' ) ), $exponent ),
					'percent'            => absint( $_POST['vafa_percent'] ?? 0 ),
					'product_id'         => (string) absint( $_POST['vafa_product_id'] ?? 0 ) === '0' ? '' : (string) absint( $_POST['vafa_product_id'] ?? 0 ),
					'min_subtotal_minor' => Program::to_minor( sanitize_text_field( wp_unslash( $_POST['vafa_min_subtotal'] ?? '0' ) ), $exponent ),
					'valid_days'         => max( 1, absint( $_POST['vafa_valid_days'] ?? 30 ) ),
				);
				$client->as_user( 'POST', '/v1/admin/rewards', $user, 'admin', $body, array(), 10.0 );
				return __( 'Reward added.', 'vafa' );
			case 'reward_toggle':
				$id     = absint( $_POST['vafa_reward_id'] ?? 0 );
				$active = ! empty( $_POST['vafa_active'] );
				$client->as_user( 'PATCH', '/v1/admin/rewards/' . $id, $user, 'admin', array( 'active' => $active ), array(), 10.0 );
				return $active ? __( 'Reward offered again.', 'vafa' ) : __( 'Reward deactivated; rewards already issued stay valid.', 'vafa' );
			case 'redeem_settings':
				$client->as_user(
					'PATCH',
					'/v1/admin/program',
					$user,
					'admin',
					array(
						'redeem_min_points'        => absint( $_POST['vafa_redeem_min'] ?? 0 ),
						'redeem_max_points'        => absint( $_POST['vafa_redeem_max'] ?? 0 ),
						'redeem_max_share_percent' => min( 100, absint( $_POST['vafa_redeem_share'] ?? 0 ) ),
						'redeem_return_on_refund'  => ! empty( $_POST['vafa_redeem_return'] ),
					),
					array(),
					10.0
				);
				Program::forget();
				return __( 'Redemption settings saved.', 'vafa' );
		}
		// phpcs:enable
		throw new ApiException( __( 'Unknown action.', 'vafa' ), 'invalid' );
	}

	/**
	 * Prints the catalog, the add form and the redemption settings.
	 *
	 * @param callable $form The page's form printer: ( $op, $label, $fields, $class ).
	 */
	public static function render( callable $form ): void {
		$client = ApiClient::connected();
		if ( ! $client ) {
			return;
		}
		echo '<h2>' . esc_html__( 'Rewards', 'vafa' ) . '</h2>';
		try {
			$list = $client->as_user( 'GET', '/v1/admin/rewards', (string) get_current_user_id(), 'admin', null, array(), 2.0 );
		} catch ( ApiException $e ) {
			echo '<p>' . esc_html( $e->getMessage() ) . '</p>';
			return;
		}
		$program  = Program::get();
		$exponent = (int) ( $program['currency_exponent'] ?? 2 );
		echo '<table class="widefat striped vafa-rewards"><thead><tr><th>' . esc_html__( 'Name', 'vafa' ) . '</th><th>' . esc_html__( 'Kind', 'vafa' ) . '</th><th>' . esc_html__( 'Points', 'vafa' ) . '</th><th>' . esc_html__( 'Value', 'vafa' ) . '</th><th>' . esc_html__( 'Offered', 'vafa' ) . '</th><th></th></tr></thead><tbody>';
		foreach ( (array) ( $list['items'] ?? array() ) as $r ) {
			echo '<tr><td>' . esc_html( (string) ( $r['names']['en'] ?? '' ) ) . '</td><td>' . esc_html( (string) $r['kind'] ) . '</td><td>' . esc_html( (string) $r['points_cost'] ) . '</td><td>'
				. esc_html( 'percent_discount' === $r['kind'] ? $r['percent'] . '%' : Codes::amount( (int) $r['value_minor'], $exponent ) ) . '</td><td>' . ( $r['active'] ? esc_html__( 'Yes', 'vafa' ) : esc_html__( 'No', 'vafa' ) ) . '</td><td>';
			$form( 'reward_toggle', $r['active'] ? __( 'Deactivate', 'vafa' ) : __( 'Offer again', 'vafa' ), '<input type="hidden" name="vafa_reward_id" value="' . esc_attr( (string) $r['id'] ) . '"><input type="hidden" name="vafa_active" value="' . ( $r['active'] ? '' : '1' ) . '">', 'button button-small' );
			echo '</td></tr>';
		}
		echo '</tbody></table>';

		echo '<h3>' . esc_html__( 'Add a reward', 'vafa' ) . '</h3>';
		$kinds = array(
			'fixed_discount'   => __( 'Money off the cart', 'vafa' ),
			'percent_discount' => __( 'Percent off (value = the most it takes off)', 'vafa' ),
			'free_shipping'    => __( 'Free shipping', 'vafa' ),
			'free_product'     => __( 'A free product', 'vafa' ),
			'points_discount'  => __( 'Pay with points (the shopper picks how many)', 'vafa' ),
		);
		$options = '';
		foreach ( $kinds as $k => $label ) {
			$options .= '<option value="' . esc_attr( $k ) . '">' . esc_html( $label ) . '</option>';
		}
		$fields = '<p><label>' . esc_html__( 'Kind', 'vafa' ) . ' <select name="vafa_kind">' . $options . '</select></label></p>'
			. '<p><label>' . esc_html__( 'Name (English)', 'vafa' ) . ' <input name="vafa_name_en" required></label> '
			. '<label>' . esc_html__( 'Name (Persian)', 'vafa' ) . ' <input name="vafa_name_fa_IR" dir="rtl"></label> '
			. '<label>' . esc_html__( 'Name (Arabic)', 'vafa' ) . ' <input name="vafa_name_ar" dir="rtl"></label></p>'
			. '<p><label>' . esc_html__( 'Points', 'vafa' ) . ' <input type="number" min="0" name="vafa_points_cost"></label> '
			. '<label>' . esc_html__( 'Value', 'vafa' ) . ' <input name="vafa_value" inputmode="decimal"></label> '
			. '<label>' . esc_html__( 'Percent', 'vafa' ) . ' <input type="number" min="0" max="100" name="vafa_percent"></label> '
			. '<label>' . esc_html__( 'Product id', 'vafa' ) . ' <input type="number" min="0" name="vafa_product_id"></label></p>'
			. '<p><label>' . esc_html__( 'Minimum cart subtotal', 'vafa' ) . ' <input name="vafa_min_subtotal" inputmode="decimal"></label> '
			. '<label>' . esc_html__( 'Valid for (days)', 'vafa' ) . ' <input type="number" min="1" name="vafa_valid_days" value="30"></label></p>';
		$form( 'reward_add', __( 'Add reward', 'vafa' ), $fields, 'button button-primary' );

		echo '<h3>' . esc_html__( 'Redemption settings', 'vafa' ) . '</h3>';
		$fields = '<p><label>' . esc_html__( 'Fewest points per redemption (0 = any)', 'vafa' ) . ' <input type="number" min="0" name="vafa_redeem_min" value="' . esc_attr( (string) (int) ( $program['redeem_min_points'] ?? 0 ) ) . '"></label></p>'
			. '<p><label>' . esc_html__( 'Most points per order (0 = no limit)', 'vafa' ) . ' <input type="number" min="0" name="vafa_redeem_max" value="' . esc_attr( (string) (int) ( $program['redeem_max_points'] ?? 0 ) ) . '"></label></p>'
			. '<p><label>' . esc_html__( 'Most of the cart subtotal points may pay (percent; 0 = all)', 'vafa' ) . ' <input type="number" min="0" max="100" name="vafa_redeem_share" value="' . esc_attr( (string) (int) ( $program['redeem_max_share_percent'] ?? 0 ) ) . '"></label></p>'
			. '<p><label><input type="checkbox" name="vafa_redeem_return" value="1"' . checked( ! empty( $program['redeem_return_on_refund'] ), true, false ) . '> ' . esc_html__( 'Give spent points back when a paid order is refunded in full or cancelled', 'vafa' ) . '</label></p>';
		$form( 'redeem_settings', __( 'Save', 'vafa' ), $fields );
	}
}
